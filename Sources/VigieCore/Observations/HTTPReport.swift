/// What an http or https probe saw, hop by hop.
public struct HTTPReport: Sendable, Hashable {
    public struct Hop: Sendable, Hashable {
        public var url: String
        public var status: Int
        public var location: String?

        public init(url: String, status: Int, location: String? = nil) {
            self.url = url
            self.status = status
            self.location = location
        }
    }

    /// The status of the last answer.
    public var status: Int
    /// Whether the last https answer carried `Strict-Transport-Security` with a positive max-age.
    public var hsts: Bool
    /// The HSTS max-age in seconds, when present.
    public var hstsMaxAge: Int?
    /// Every answer, in order; more than one when redirects were followed.
    public var hops: [Hop]
    /// The `Location` of the last answer when it is a redirect.
    public var location: String?
    /// Bytes of body read from the last answer (reading stops at 4 MiB).
    public var bodyBytes: Int

    public init(status: Int, hsts: Bool, hstsMaxAge: Int?, hops: [Hop], location: String?, bodyBytes: Int) {
        self.status = status
        self.hsts = hsts
        self.hstsMaxAge = hstsMaxAge
        self.hops = hops
        self.location = location
        self.bodyBytes = bodyBytes
    }
}
