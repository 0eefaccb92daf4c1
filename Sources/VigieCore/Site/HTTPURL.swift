/// An `http://` or `https://` URL as a probe needs it: scheme, host, port and request target.
///
/// Parsed by hand rather than with Foundation's `URL` so that the rules are the same on every
/// platform and the errors can say exactly what is wrong.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http
        case https

        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public var scheme: Scheme
    public var host: Host
    public var port: Int
    /// Path and query, always starting with `/` (the fragment is dropped: it is never sent).
    public var requestTarget: String

    public init(scheme: Scheme, host: Host, port: Int? = nil, requestTarget: String = "/") {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.requestTarget = requestTarget
    }

    /// Why a URL was refused.
    public struct ParseFailure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Parses an absolute http(s) URL.
    public static func parse(_ text: String) -> Result<HTTPURL, ParseFailure> {
        func fail(_ why: String) -> Result<HTTPURL, ParseFailure> { .failure(ParseFailure(description: why)) }
        guard let schemeEnd = text.firstRange(of: "://") else {
            return fail("not an absolute URL \"\(text)\" (expected http://host/ or https://host/)")
        }
        guard let scheme = Scheme(rawValue: text[..<schemeEnd.lowerBound].lowercased()) else {
            return fail("unsupported scheme in \"\(text)\" (only http and https)")
        }
        guard text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }) else {
            return fail("URL \"\(text)\" contains spaces or non-ASCII characters (percent-encode them)")
        }
        var rest = text[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        guard !authority.contains("@") else {
            return fail("URL \"\(text)\" carries credentials; Vigie does not send them")
        }
        guard !authority.isEmpty else { return fail("URL \"\(text)\" has no host") }
        switch Endpoint.parse(String(authority), defaultPort: scheme.defaultPort) {
        case .success(let endpoint):
            return .success(HTTPURL(scheme: scheme, host: endpoint.host, port: endpoint.port, requestTarget: target))
        case .failure(let failure):
            return fail("\(failure) in URL \"\(text)\"")
        }
    }

    /// Resolves a `Location` header against this URL (absolute, scheme-relative, absolute-path or relative).
    public func resolving(location: String) -> HTTPURL? {
        let location = location.trimmingWhitespace()
        if location.contains("://") {
            return try? HTTPURL.parse(location).get()
        }
        if location.hasPrefix("//") {
            return try? HTTPURL.parse("\(scheme.rawValue):\(location)").get()
        }
        var resolved = self
        if location.hasPrefix("/") {
            resolved.requestTarget = location
        } else if location.hasPrefix("?") {
            let path = requestTarget.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            resolved.requestTarget = path + location
        } else {
            let path = requestTarget.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            let directory = path.hasSuffix("/") ? path : String(path[...(path.lastIndex(of: "/") ?? path.startIndex)])
            resolved.requestTarget = directory + location
        }
        return resolved
    }

    /// The value of the `Host` header: the port only when it is not the scheme's default.
    public var hostHeader: String {
        port == scheme.defaultPort ? host.description : "\(host):\(port)"
    }

    /// The endpoint the request goes to.
    public var endpoint: Endpoint { Endpoint(host: host, port: port) }

    public var description: String { "\(scheme.rawValue)://\(hostHeader)\(requestTarget)" }
}
