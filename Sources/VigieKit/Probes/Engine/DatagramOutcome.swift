import NIOCore
import NIOPosix
import VigieCore

/// How a UDP exchange ended.
enum DatagramOutcome: Sendable, Hashable {
    /// An acceptable datagram came back.
    case answered(bytes: [UInt8], roundTrip: Duration, sent: Int)
    /// ICMP port unreachable: nothing listens there.
    case refused(sent: Int)
    /// ICMP host/network unreachable, or another socket error.
    case failed(ConnectFailure, sent: Int)
    /// Nothing acceptable before the deadline; `rejected` lists why datagrams that did come were refused.
    case silence(sent: Int, rejected: [String])
}
