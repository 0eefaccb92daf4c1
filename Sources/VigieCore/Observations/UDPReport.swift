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
