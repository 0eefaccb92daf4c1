/// An `xmpp` check: the client-to-server port of Prosody.
public struct XMPPCheck: Sendable, Hashable {
    public var endpoint: Endpoint
    /// The XMPP domain to open a stream for (`to=` of the stream header).
    public var domain: String
    /// Fail when the server does not offer STARTTLS (RFC 6120 requires TLS).
    public var requireStartTLS: Bool
    /// Extra trust anchors (a PEM file) for Prosody's certificate, on top of the system store.
    public var ca: SitePath?
    /// Warn (without failing) when Prosody's certificate expires within this many days.
    public var warnDays: Int

    public static let defaultPort = 5222

    public init(
        endpoint: Endpoint,
        domain: String,
        requireStartTLS: Bool = true,
        caFile: String? = nil,
        warnDays: Int = HTTPCheck.defaultWarnDays
    ) {
        self.endpoint = endpoint
        self.domain = domain
        self.requireStartTLS = requireStartTLS
        self.ca = caFile.map { SitePath(written: $0, siteDirectory: ".") }
        self.warnDays = warnDays
    }
}
