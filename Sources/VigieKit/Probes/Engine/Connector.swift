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

/// Opens sockets to admitted endpoints, and names what went wrong when it cannot.
enum Connector {
    static var group: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    /// Probes running in the process now (counted by ``ProbeEngine/run(_:)-(Check)``).
    static let probesInFlight = Atomic<Int>(0)

    /// The loop a probe's socket lives on. A probe that runs alone stays on the loop its task runs on
    /// (with the agent's tasks on the loops, Agent+Executor.swift, each step then resumes where its I/O
    /// completed, no thread woken); with others in flight the sockets go round the loops, so that every
    /// core takes its share (kept on one loop, a thousand checks made half the probes a second).
    static var loop: any EventLoop {
        probesInFlight.load(ordering: .relaxed) > 1 ? group.next() : group.any()
    }

    /// Opens a TCP connection and hands the channel to `initializer` (TLS, codecs, async wrapper).
    static func connectTCP<Output: Sendable>(
        _ target: AdmittedEndpoint,
        timeout: Duration,
        initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Output>
    ) async -> Result<Output, ConnectFailure> {
        precondition(target.transport == .tcp)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(max(timeout, .milliseconds(1))))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
        do {
            if let address = try connectAddress(target) {
                return .success(try await bootstrap.connect(to: address, channelInitializer: initializer))
            }
            return .success(
                try await bootstrap.connect(
                    host: target.endpoint.host.bare,
                    port: target.endpoint.port,
                    channelInitializer: initializer
                )
            )
        } catch {
            return .failure(classify(error, target: target, timeout: timeout))
        }
    }

    /// The socket address to use when no DNS lookup is needed (a `resolve` or an address literal).
    static func connectAddress(_ target: AdmittedEndpoint) throws -> SocketAddress? {
        if let address = target.connectAddress {
            return try SocketAddress(ipAddress: address.description, port: target.endpoint.port)
        }
        if case .address(let address) = target.endpoint.host {
            return try SocketAddress(ipAddress: address.description, port: target.endpoint.port)
        }
        return nil
    }

    /// Resolves a target to one socket address, off the cooperative pool (getaddrinfo blocks).
    static func resolve(_ target: AdmittedEndpoint) async -> Result<SocketAddress, ConnectFailure> {
        do {
            if let address = try connectAddress(target) { return .success(address) }
            let host = target.endpoint.host.bare
            let port = target.endpoint.port
            let address = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(host, port: port)
            }
            return .success(address)
        } catch {
            return .failure(
                ConnectFailure(state: .unresolved, reason: "cannot resolve \(target.endpoint.host.bare)")
            )
        }
    }

    /// Turns NIO's errors into the states an administrator knows.
    static func classify(_ error: any Error, target: AdmittedEndpoint, timeout: Duration) -> ConnectFailure {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return ConnectFailure(state: .timeout, reason: "no answer in \(DurationText.format(timeout))")
        }
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first {
                return classify(first.error, target: target, timeout: timeout)
            }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return ConnectFailure(state: .unresolved, reason: "cannot resolve \(target.endpoint.host.bare)")
            }
        }
        if let ioError = error as? IOError {
            return classify(errno: ioError.errnoCode, timeout: timeout)
        }
        if error is SocketAddressError {
            return ConnectFailure(state: .unresolved, reason: "cannot resolve \(target.endpoint.host.bare)")
        }
        return ConnectFailure(state: .error, reason: "\(error)")
    }

    static func classify(errno code: Int32, timeout: Duration) -> ConnectFailure {
        switch code {
        case ECONNREFUSED: return ConnectFailure(state: .refused, reason: "connection refused")
        case EHOSTUNREACH: return ConnectFailure(state: .unreachable, reason: "host unreachable")
        case ENETUNREACH: return ConnectFailure(state: .unreachable, reason: "network unreachable")
        case ETIMEDOUT: return ConnectFailure(state: .timeout, reason: "no answer in \(DurationText.format(timeout))")
        case ECONNRESET: return ConnectFailure(state: .error, reason: "connection reset by peer")
        default: return ConnectFailure(state: .error, reason: String(cString: strerror(code)).lowercased())
        }
    }
}
