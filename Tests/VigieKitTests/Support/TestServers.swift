import NIOCore
import NIOPosix
import Synchronization
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// Small in-process peers for the failure paths no real daemon produces on demand.
enum TestServers {
    /// A free port: bound once to prove it is free, then released.
    static func freePort(udp: Bool) async throws -> Int {
        // Below the kernel's ephemeral range (32768-60999 by default): a port returned here is
        // neither handed to another test's `bind(port: 0)` nor used as a client's source port,
        // so "nothing listens here" stays true and a daemon told to listen here can bind it.
        let group = MultiThreadedEventLoopGroup.singleton
        for _ in 0..<200 {
            let port = PortPool.next()
            do {
                let channel: any Channel =
                    if udp {
                        try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: port).get()
                    } else {
                        try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: port).get()
                    }
                try await channel.close()
                return port
            } catch {
                continue
            }
        }
        throw PortPool.Exhausted()
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

/// Hands out distinct ports from 20000-32767 (the lab uses 18xxx), starting at a random offset
/// so that two test processes on the machine rarely collide.
enum PortPool {
    struct Exhausted: Error, CustomStringConvertible {
        var description: String { "no free port between 20000 and 32767" }
    }

    private static let cursor = Mutex(Int.random(in: 0..<12_768))

    static func next() -> Int {
        cursor.withLock { value in
            value = (value + 1) % 12_768
            return 20_000 + value
        }
    }
}
