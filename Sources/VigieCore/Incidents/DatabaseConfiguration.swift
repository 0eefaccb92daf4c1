/// A PostgreSQL register from the site file: `incidents: {database: postgresql://…, password_file: …}`.
public struct DatabaseConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    /// The URL's `sslmode`, as libpq means it: `disable` never uses TLS, `prefer` uses it when the server
    /// offers it, `require` refuses a server without it. The store maps it to its driver's TLS setting.
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable { case disable, prefer, require }
    /// The longest one register operation may wait for the server (the pool itself waits forever).
    public var timeout: Duration

    public init(
        host: String,
        port: Int = 5432,
        username: String,
        password: String? = nil,
        database: String? = nil,
        sslMode: SSLMode = .disable,
        timeout: Duration = .seconds(15)
    ) {
        self.timeout = timeout
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }
}
