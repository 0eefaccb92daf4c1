import NIOCore
import NIOPosix

/// Small in-process peers for the failure paths no real daemon produces on demand.
enum TestServers {
    /// A free port: bound by the kernel, then released.
    static func freePort(udp: Bool) async throws -> Int {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel: any Channel =
            if udp {
                try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
            } else {
                try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
            }
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }

    /// A TCP server that accepts connections and never says a word.
    static func withSilentTCPServer<T>(_ body: (Int) async throws -> T) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body(channel.localAddress!.port!)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// A UDP peer that answers each datagram with `reply(request)` (nothing when `nil`).
    static func withUDPResponder<T>(
        reply: @escaping @Sendable ([UInt8]) -> [UInt8]?,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Responder(reply: reply))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body(channel.localAddress!.port!)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private final class Responder: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        typealias OutboundOut = AddressedEnvelope<ByteBuffer>
        let reply: @Sendable ([UInt8]) -> [UInt8]?

        init(reply: @escaping @Sendable ([UInt8]) -> [UInt8]?) {
            self.reply = reply
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = Self.unwrapInboundIn(data)
            guard let answer = reply(Array(envelope.data.readableBytesView)) else { return }
            let out = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: answer))
            context.writeAndFlush(Self.wrapOutboundOut(out), promise: nil)
        }
    }
}
