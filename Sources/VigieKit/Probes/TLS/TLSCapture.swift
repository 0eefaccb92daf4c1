import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import VigieCore

/// The client side of a probe's TLS handshake, shared by the https and xmpp probes: it accepts any
/// chain on purpose, so that an expired or wrong certificate is *reported* (by
/// ``CertificateInspector``, against the check's trust store) rather than a failed connection, and it
/// keeps what was presented and negotiated.
struct TLSCapture: Sendable {
    private let chainBox = NIOLockedValueBox<[NIOSSLCertificate]>([])
    private let versionBox = NIOLockedValueBox<TLSVersion?>(nil)

    /// The certificates the server presented, leaf first (empty before the handshake).
    var chain: [NIOSSLCertificate] { chainBox.withLockedValue { $0 } }
    /// The negotiated version, once the handshake completed.
    var version: TLSVersion? { versionBox.withLockedValue { $0 } }

    /// Adds the TLS handler and its version observer to `pipeline` (call on the channel's event loop):
    /// at the end of the pipeline, or in front of it when `first` (STARTTLS, on an open stream).
    func addHandlers(
        to pipeline: ChannelPipeline.SynchronousOperations,
        context: NIOSSLContext,
        serverHostname: String?,
        first: Bool = false
    ) throws {
        let chainBox = self.chainBox
        let handler = try NIOSSLClientHandler(
            context: context,
            serverHostname: serverHostname,
            customVerificationCallback: { certificates, promise in
                chainBox.withLockedValue { $0 = certificates }
                promise.succeed(.certificateVerified)
            }
        )
        let observer = TLSVersionObserver(version: versionBox)
        if first {
            try pipeline.addHandler(handler, position: .first)
            try pipeline.addHandler(observer, position: .after(handler))
        } else {
            try pipeline.addHandler(handler)
            try pipeline.addHandler(observer)
        }
    }
}
