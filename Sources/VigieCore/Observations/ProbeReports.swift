/// What a tcp probe saw.
public struct TCPReport: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        case open
        case refused
        case timeout
        case unreachable
        case unresolved
        case error
    }

    public var state: State
    /// The address actually connected to, when the connection was made.
    public var remoteAddress: String?

    public init(state: State, remoteAddress: String? = nil) {
        self.state = state
        self.remoteAddress = remoteAddress
    }
}

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

/// What a stun probe saw.
public struct STUNReport: Sendable, Hashable {
    /// The reflexive transport address the server saw (XOR-MAPPED-ADDRESS).
    public var mappedAddress: String?
    /// The server's SOFTWARE attribute (a version leak worth knowing about).
    public var software: String?
    /// Round-trip time of the request that was answered.
    public var roundTrip: Duration?
    /// Requests sent, retransmissions included.
    public var requestsSent: Int

    public init(mappedAddress: String?, software: String?, roundTrip: Duration?, requestsSent: Int) {
        self.mappedAddress = mappedAddress
        self.software = software
        self.roundTrip = roundTrip
        self.requestsSent = requestsSent
    }
}

/// What a udp probe saw.
public struct UDPReport: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// ICMP port unreachable came back: nothing listens.
        case closed
        /// Silence: a listener that ignores strangers (as Jitsi Videobridge does), or a firewall that drops.
        case openOrFiltered = "open_or_filtered"
        /// A datagram came back.
        case open
        /// ICMP host or network unreachable.
        case unreachable
        case unresolved
        case error
    }

    public var state: State
    public var datagramsSent: Int

    public init(state: State, datagramsSent: Int) {
        self.state = state
        self.datagramsSent = datagramsSent
    }
}

/// What an xmpp probe saw.
public struct XMPPReport: Sendable, Hashable {
    /// The domain the server opened its stream for.
    public var streamFrom: String?
    public var startTLS: Bool
    public var startTLSRequired: Bool
    public var saslMechanisms: [String]
    public var features: [String]
    /// The stream error condition, when the server refused the stream.
    public var streamError: String?

    public init(
        streamFrom: String? = nil,
        startTLS: Bool = false,
        startTLSRequired: Bool = false,
        saslMechanisms: [String] = [],
        features: [String] = [],
        streamError: String? = nil
    ) {
        self.streamFrom = streamFrom
        self.startTLS = startTLS
        self.startTLSRequired = startTLSRequired
        self.saslMechanisms = saslMechanisms
        self.features = features
        self.streamError = streamError
    }
}
