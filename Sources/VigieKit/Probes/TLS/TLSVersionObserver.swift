import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import VigieCore

/// Records the negotiated TLS version when the handshake completes (the server may close the
/// connection right after its answer, taking the TLS handler with it).
final class TLSVersionObserver: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny
    let version: NIOLockedValueBox<TLSVersion?>

    init(version: NIOLockedValueBox<TLSVersion?>) {
        self.version = version
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            let negotiated = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).tlsVersion
            version.withLockedValue { $0 = negotiated }
        }
        context.fireUserInboundEventTriggered(event)
    }
}
