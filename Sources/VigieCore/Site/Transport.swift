/// The two transports a probe can use.
public enum Transport: String, Sendable, Hashable {
    case tcp
    case udp
}
