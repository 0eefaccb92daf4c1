import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VigieCore

/// Why a connection could not be made, in the words of `nc -vz`.
struct ConnectFailure: Error, Sendable, Hashable {
    var state: TCPReport.State
    var reason: String
}
