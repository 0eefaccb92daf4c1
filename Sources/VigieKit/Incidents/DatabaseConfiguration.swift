import PostgresNIO

/// A PostgreSQL register from the site file: `incidents: {database: postgresql://…, password_file: …}`.
public struct DatabaseConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var tls: PostgresClient.Configuration.TLS
    /// The URL's `sslmode`, for the one connection a command opens first to say at once what is wrong.
    public var sslMode: SSLMode = .prefer

    public enum SSLMode: String, Sendable { case disable, prefer, require }
    /// The longest one register operation may wait for the server (the pool itself waits forever).
    public var timeout: Duration

    public init(
        host: String,
        port: Int = 5432,
        username: String,
        password: String? = nil,
        database: String? = nil,
        tls: PostgresClient.Configuration.TLS = .disable,
        timeout: Duration = .seconds(15)
    ) {
        self.timeout = timeout
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }
}
