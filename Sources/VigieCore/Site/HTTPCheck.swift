/// An `http` or `https` check.
public struct HTTPCheck: Sendable, Hashable {
    public var url: HTTPURL
    /// Pass when the answer is a redirect to the same host over https (for the plain-http port).
    public var expectRedirectToHTTPS: Bool
    /// Fail an https answer that has no `Strict-Transport-Security` header.
    public var requireHSTS: Bool
    /// The statuses that pass; empty means any 2xx.
    public var expectedStatus: [Int]
    /// Extra trust anchors (a PEM file) on top of the system store, as the site file names it.
    public var ca: SitePath?
    /// The `ca` file on this machine (absolute, or relative to the working directory).
    public var caFile: String? { ca?.local }
    /// The `ca` file as the site file writes it (relative to the site file on the host that reads it).
    public var caFileWritten: String? { ca?.written }
    /// Warn (without failing) when the certificate expires within this many days.
    public var warnDays: Int

    public static let defaultWarnDays = 14

    public init(
        url: HTTPURL,
        expectRedirectToHTTPS: Bool = false,
        requireHSTS: Bool? = nil,
        expectedStatus: [Int] = [],
        caFile: String? = nil,
        warnDays: Int = HTTPCheck.defaultWarnDays
    ) {
        self.url = url
        self.expectRedirectToHTTPS = expectRedirectToHTTPS
        self.requireHSTS = requireHSTS ?? (url.scheme == .https)
        self.expectedStatus = expectedStatus
        self.ca = caFile.map { SitePath(written: $0, siteDirectory: ".") }
        self.warnDays = warnDays
    }
}
