import NIOCore

/// Opens an XMPP client stream (RFC 6120 §4.2) and reads the server's features, then closes politely.
///
/// Passes when the server answers with a stream for the requested domain and offers STARTTLS.
/// Nothing is authenticated and no TLS is negotiated: the probe stays passive.
struct XMPPProbe: Sendable {
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

        let domain = xmpp.domain
        let outcome: XMPPStreamOutcome?
        do {
            outcome = try await channel.executeThenClose { inbound, outbound in
                try await Deadline.run(until: deadline) {
                    // If the write fails, the server's own words (or its hang-up) still come inbound.
                    let writeError: (any Error)?
                    do {
                        try await outbound.write(ByteBuffer(string: XMPPStreamReader.openingHeader(to: domain)))
                        writeError = nil
                    } catch {
                        writeError = error
                    }
                    var reader = XMPPStreamReader()
                    for try await chunk in inbound {
                        let outcome = reader.feed(chunk.readableBytesView)
                        if case .needMore = outcome { continue }
                        try? await outbound.write(ByteBuffer(string: XMPPStreamReader.closingTag))
                        return outcome
                    }
                    if let writeError { throw writeError }
                    return XMPPStreamOutcome.malformed("server closed the connection without answering")
                }
            }
        } catch {
            result.fail("connection error: \(error)")
            return result
        }
        result.latency = .now - start

        switch outcome {
        case nil:
            result.latency = nil
            result.fail("no stream features in \(DurationText.format(check.timeout))")
        case .needMore?:
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
            if xmpp.requireStartTLS, !features.startTLS {
                result.fail("STARTTLS not offered (RFC 6120 requires TLS)")
            }
        }
        return result
    }
}
