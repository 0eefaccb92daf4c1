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
