import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import VigieCore

/// Opens an XMPP client stream (RFC 6120 §4.2), reads the server's features, negotiates STARTTLS
/// (§5) and judges Prosody's certificate as the https probe judges nginx's, then closes politely.
///
/// Passes when the server answers with a stream for the requested domain, offers STARTTLS, and
/// presents over it a certificate that is valid now, for the XMPP domain, chained to a trusted root.
/// Nothing is authenticated: after TLS the probe opens the new stream, reads its features and leaves.
/// The handshake accepts any certificate on purpose, so that an expired or wrong one is *reported*
/// (by ``CertificateInspector``, against the trust store), not just a failed connection.
struct XMPPProbe: Sendable {
    /// One TLS client context for every XMPP probe: no ALPN, verification done by Vigie.
    static let tlsContext: Result<NIOSSLContext, any Error> = Result {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        return try NIOSSLContext(configuration: configuration)
    }

    /// How far a conversation got (read after a timeout).
    struct Progress: Sendable {
        enum Stage: Sendable { case opening, startTLSSent, handshaking }
        var stage = Stage.opening
        var first: XMPPStreamOutcome?
        var handshakeDone = false
    }

    /// What the connection said, before and after STARTTLS.
    struct Exchange: Sendable {
        var outcome: XMPPStreamOutcome?
        /// Why TLS was not negotiated, when it was tried and failed.
        var tlsFailure: String?
        var chain: [NIOSSLCertificate] = []
        var tlsVersion: String?
        /// The features of the stream opened over TLS.
        var secureOutcome: XMPPStreamOutcome?
    }

    func run(_ check: Check, xmpp: XMPPCheck, target: AdmittedEndpoint, context: ProbeContext) async -> CheckResult {
        var result = CheckResult(check: check, verdict: .pass, startedAt: context.now())
        let start = ContinuousClock.now
        let deadline = start + check.timeout
        let connected = await Connector.connectTCP(target, timeout: check.timeout) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        switch connected {
        case .success(let opened): channel = opened
        case .failure(let failure):
            result.fail(failure.reason)
            return result
        }
        let sslContext: NIOSSLContext
        switch Self.tlsContext {
        case .success(let made): sslContext = made
        case .failure(let error):
            result.fail("cannot set up TLS: \(error)")
            return result
        }

        let domain = xmpp.domain
        // How far the conversation got, so that a timeout says where it stopped and keeps what was learnt.
        let progress = NIOLockedValueBox(Progress())
        var exchange: Exchange?
        do {
            exchange = try await channel.executeThenClose { inbound, outbound in
                try await ChannelDeadline.run(channel.channel, until: deadline) {
                    try await Self.converse(
                        channel: channel.channel,
                        inbound: inbound,
                        outbound: outbound,
                        domain: domain,
                        sslContext: sslContext,
                        progress: progress
                    )
                }
            }
        } catch {
            result.fail("connection error: \(error)")
            return result
        }

        if exchange == nil {
            let reached = progress.withLockedValue { $0 }
            let budget = DurationText.format(check.timeout)
            guard let first = reached.first else {
                result.fail("no stream features in \(budget)")
                return result
            }
            let stalled: String =
                switch reached.stage {
                case .startTLSSent: "no answer to STARTTLS in \(budget)"
                case .handshaking:
                    reached.handshakeDone
                        ? "no stream features over TLS in \(budget)"
                        : "the TLS handshake after STARTTLS did not complete in \(budget)"
                default: "no stream features in \(budget)"
                }
            exchange = Exchange(outcome: first, tlsFailure: stalled)
        }
        guard let exchange else { return result }
        result.latency = .now - start

        switch exchange.outcome {
        case nil, .needMore?:
            result.fail("incomplete answer")
        case .malformed(let reason)?:
            result.fail(reason)
        case .streamError(let condition, let text)?:
            result.xmpp = XMPPReport(streamError: condition)
            if condition == "host-unknown" {
                result.fail("server does not serve \(domain) (host-unknown)")
            } else {
                result.fail("stream error \(condition)" + (text.map { ": \($0)" } ?? ""))
            }
        case .features(let features)?:
            result.xmpp = XMPPReport(
                streamFrom: features.from,
                startTLS: features.startTLS,
                startTLSRequired: features.startTLSRequired,
                saslMechanisms: features.saslMechanisms,
                features: features.features
            )
            if let from = features.from, from.lowercased() != domain {
                result.fail("server answered for \(from), not \(domain)")
            }
            if features.version != "1.0" {
                result.fail("server does not speak XMPP 1.0 (version \(features.version ?? "missing"))")
            }
            if !features.startTLS {
                if xmpp.requireStartTLS { result.fail("STARTTLS not offered (RFC 6120 requires TLS)") }
                return result
            }
            if let failure = exchange.tlsFailure {
                result.fail(failure)
                return result
            }
            await judgeCertificate(exchange, xmpp: xmpp, context: context, into: &result)
            switch exchange.secureOutcome {
            case .features(let secure)?:
                // What a client sees once encrypted: the mechanisms and features of the stream over TLS.
                result.xmpp?.saslMechanisms = secure.saslMechanisms
                let before = result.xmpp?.features ?? []
                result.xmpp?.features = before + secure.features.filter { !before.contains($0) }
                if let from = secure.from, from.lowercased() != domain {
                    result.fail("over TLS, the server answered for \(from), not \(domain)")
                }
            case nil:
                break
            case .streamError(let condition, _)?:
                result.fail("stream error \(condition) after STARTTLS")
            case .malformed(let reason)?:
                result.fail("after STARTTLS: \(reason)")
            case .needMore?:
                break
            }
        }
        return result
    }

    /// Prosody's certificate, judged for the XMPP domain against the system store (and the check's `ca`).
    func judgeCertificate(
        _ exchange: Exchange,
        xmpp: XMPPCheck,
        context: ProbeContext,
        into result: inout CheckResult
    ) async {
        let roots: CertificateStore
        switch context.trust.store(caFile: xmpp.ca?.local) {
        case .success(let store): roots = store
        case .failure(let failure):
            result.fail(failure.description)
            return
        }
        let chain = exchange.chain.compactMap { certificate in
            (try? certificate.toDERBytes()).flatMap { try? Certificate(derEncoded: $0) }
        }
        guard let host = Host(xmpp.domain),
            let report = await CertificateInspector.inspect(
                chain: chain,
                host: host,
                roots: roots,
                now: context.now(),
                protocolVersion: exchange.tlsVersion
            )
        else {
            result.fail("server presented no certificate over STARTTLS")
            return
        }
        result.tls = report
        for problem in report.problems { result.fail(problem) }
        if report.acceptable, report.daysLeft < xmpp.warnDays {
            result.warn("certificate expires in \(report.daysLeft) days (\(CertificateInspector.day(report.notAfter)))")
        }
    }

    /// The stream opening, STARTTLS, the TLS handshake and the stream over TLS, on one connection.
    static func converse(
        channel: any Channel,
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        domain: String,
        sslContext: NIOSSLContext,
        progress: NIOLockedValueBox<Progress>
    ) async throws -> Exchange {
        // If the write fails, the server's own words (or its hang-up) still come inbound.
        var writeError: (any Error)?
        do {
            try await outbound.write(ByteBuffer(string: XMPPStreamReader.openingHeader(to: domain)))
        } catch {
            writeError = error
        }
        var iterator = inbound.makeAsyncIterator()
        var reader = XMPPStreamReader()
        var first: XMPPStreamOutcome?
        while let chunk = try await iterator.next() {
            let outcome = reader.feed(chunk.readableBytesView)
            if case .needMore = outcome { continue }
            first = outcome
            break
        }
        guard let first else {
            if let writeError { throw writeError }
            return Exchange(outcome: .malformed("server closed the connection without answering"))
        }
        progress.withLockedValue { $0.first = first }
        guard case .features(let features) = first, features.startTLS else {
            try? await outbound.write(ByteBuffer(string: XMPPStreamReader.closingTag))
            return Exchange(outcome: first)
        }

        try await outbound.write(ByteBuffer(string: XMPPStreamReader.startTLSRequest))
        progress.withLockedValue { $0.stage = .startTLSSent }
        var answerBytes: [UInt8] = []
        var answer = XMPPStreamReader.StartTLSAnswer.needMore
        while case .needMore = answer, let chunk = try await iterator.next() {
            answerBytes.append(contentsOf: chunk.readableBytesView)
            answer = XMPPStreamReader.startTLSAnswer(answerBytes)
        }
        switch answer {
        case .proceed: break
        case .needMore:
            return Exchange(outcome: first, tlsFailure: "server closed the connection in answer to STARTTLS")
        case .failure: return Exchange(outcome: first, tlsFailure: "server refused STARTTLS (<failure/>)")
        case .refused(let reason): return Exchange(outcome: first, tlsFailure: reason)
        }

        let capture = TLSCapture()
        do {
            // The TLS handler goes in front of the stream's, on the channel's event loop: the handshake
            // starts at once (the server waits for our ClientHello after <proceed/>).
            try await channel.eventLoop.submit {
                try capture.addHandlers(
                    to: channel.pipeline.syncOperations,
                    context: sslContext,
                    serverHostname: domain,
                    first: true
                )
            }.get()
            progress.withLockedValue { $0.stage = .handshaking }
            // The stream restarts over TLS (RFC 6120 §5.4.3.3); writes wait for the handshake.
            try await outbound.write(ByteBuffer(string: XMPPStreamReader.openingHeader(to: domain)))
            var secure = XMPPStreamReader()
            var secureOutcome: XMPPStreamOutcome?
            while let chunk = try await iterator.next() {
                if capture.version != nil { progress.withLockedValue { $0.handshakeDone = true } }
                let outcome = secure.feed(chunk.readableBytesView)
                if case .needMore = outcome { continue }
                secureOutcome = outcome
                break
            }
            try? await outbound.write(ByteBuffer(string: XMPPStreamReader.closingTag))
            return Exchange(
                outcome: first,
                chain: capture.chain,
                tlsVersion: capture.version.map(HTTPFetcher.describe),
                secureOutcome: secureOutcome
            )
        } catch let error as NIOSSLError {
            return Exchange(
                outcome: first,
                tlsFailure: "TLS handshake after STARTTLS failed: \(HTTPFetcher.describe(error))"
            )
        } catch let error as BoringSSLError {
            return Exchange(
                outcome: first,
                tlsFailure: "TLS handshake after STARTTLS failed: \(HTTPFetcher.describe(error))"
            )
        }
    }
}
