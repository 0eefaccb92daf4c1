import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// "Pas de scan": only declared endpoints are ever touched.
@Suite struct AllowlistTests {
    @Test func admitsOnlyDeclaredEndpoints() throws {
        let site = try SiteBuilder.site(
            checks: """
                          - tcp: meet.example.org:443
                          - udp: meet.example.org:10000
                            resolve: 192.0.2.1
                """
        )
        let allowlist = Allowlist(site: site)
        #expect(allowlist.count == 2)
        let admitted = try allowlist.admit(Endpoint(host: .name("meet.example.org"), port: 10000), transport: .udp)
        #expect(admitted.connectAddress == IPAddress("192.0.2.1"), "the declared resolve is kept")
        #expect(throws: UndeclaredTargetError.self) {
            try allowlist.admit(Endpoint(host: .name("meet.example.org"), port: 444), transport: .tcp)
        }
        #expect(throws: UndeclaredTargetError.self, "the transport is part of the declaration") {
            try allowlist.admit(Endpoint(host: .name("meet.example.org"), port: 443), transport: .udp)
        }
        #expect(throws: UndeclaredTargetError.self) {
            try allowlist.admit(Endpoint(host: .name("other.example.org"), port: 443), transport: .tcp)
        }
    }

    @Test func undeclaredTargetIsRefusedBeforeAnythingIsSent() async throws {
        let counter = ConnectionCounter()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(counter) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let port = server.localAddress!.port!

        let declared = try SiteBuilder.site(checks: "      - tcp: 127.0.0.1:\(port)")
        let undeclared = try SiteBuilder.site(checks: "      - tcp: 127.0.0.2:\(port)")
        let engine = ProbeEngine(site: declared)

        let error = await #expect(throws: UndeclaredTargetError.self) { try await engine.run(undeclared.checks[0]) }
        #expect(
            error?.description
                == "refusing to probe tcp 127.0.0.2:\(port): it is not declared in the site file (Vigie never scans)"
        )
        // A batch holding one undeclared check is refused as a whole, before the declared one runs.
        await #expect(throws: UndeclaredTargetError.self) { try await engine.run(declared.checks + undeclared.checks) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(counter.accepted.withLock { $0 } == 0)

        // The declared check does reach the server.
        let result = try await engine.run(declared.checks[0])
        #expect(result.verdict == .pass)
        try await Task.sleep(for: .milliseconds(100))
        #expect(counter.accepted.withLock { $0 } == 1)
    }

    /// Counts the connections a server accepts.
    final class ConnectionCounter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let accepted = Mutex(0)

        func channelActive(context: ChannelHandlerContext) {
            accepted.withLock { $0 += 1 }
            context.fireChannelActive()
        }
    }
}
