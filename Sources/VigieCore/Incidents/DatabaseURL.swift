/// `postgresql://user@host:port/database?sslmode=disable|prefer|require`, as libpq writes it.
public enum DatabaseURL {
    public struct ParseFailure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) -> Result<DatabaseConfiguration, ParseFailure> {
        func fail(_ why: String) -> Result<DatabaseConfiguration, ParseFailure> {
            .failure(ParseFailure(description: why))
        }
        var rest: Substring
        if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else {
            return fail("expected a postgresql:// URL, found \"\(text)\"")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let at = rest.firstIndex(of: "@") else {
            return fail("the database URL needs a user (postgresql://user@host/db)")
        }
        let user = rest[..<at]
        guard !user.contains(":") else {
            return fail("do not put the password in the URL: use password_file or VIGIE_DATABASE_PASSWORD")
        }
        guard !user.isEmpty else { return fail("the database URL needs a user") }
        rest = rest[rest.index(after: at)...]
        var database: String?
        if let slash = rest.firstIndex(of: "/") {
            let name = rest[rest.index(after: slash)...]
            database = name.isEmpty ? nil : String(name)
            rest = rest[..<slash]
        }
        let endpoint: Endpoint
        switch Endpoint.parse(String(rest), defaultPort: 5432) {
        case .success(let parsed): endpoint = parsed
        case .failure(let failure): return fail("\(failure) in the database URL")
        }
        var mode = DatabaseConfiguration.SSLMode.prefer
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "sslmode" else {
                return fail("unknown database URL parameter \"\(pair)\" (only sslmode)")
            }
            guard let parsed = DatabaseConfiguration.SSLMode(rawValue: parts[1]) else {
                return fail("sslmode must be disable, prefer or require")
            }
            mode = parsed
        }
        return .success(
            DatabaseConfiguration(
                host: endpoint.host.bare,
                port: endpoint.port,
                username: String(user),
                database: database,
                sslMode: mode
            )
        )
    }
}
