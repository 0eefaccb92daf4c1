import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The xmpp probe against the lab's real Prosody 0.12.
@Suite struct XMPPProbeLabTests {
    init() async throws { try await Lab.ready() }

    @Test func prosodyPassesWithRequiredStartTLS() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - xmpp: 127.0.0.1:\(Lab.xmppC2S)
                    domain: meet.vigie.test
                    ca: \(Lab.caFile)
            """
        )
        #expect(result.verdict == .pass, "\(result.error ?? "")")
        // STARTTLS negotiated, Prosody's certificate judged as the https probe judges nginx's.
        let tls = try #require(result.tls)
        #expect(tls.chainOK && tls.hostnameOK && tls.timeValid)
        #expect(tls.subject == "CN=meet.vigie.test")
        #expect(tls.daysLeft > 300)
        #expect(tls.protocolVersion == "TLSv1.3" || tls.protocolVersion == "TLSv1.2")
        // The features reported are those of the stream over TLS: the lab's anonymous login appears only there.
        let xmpp = try #require(result.xmpp)
        #expect(xmpp.saslMechanisms.contains("ANONYMOUS"), "\(xmpp.saslMechanisms)")
        #expect(xmpp.streamFrom == "meet.vigie.test")
        #expect(xmpp.startTLS)
        #expect(xmpp.startTLSRequired, "the lab sets c2s_require_encryption")
        #expect(xmpp.features.contains("starttls"))
        #expect(result.latency != nil)
    }

    /// The lab's Prosody serves three VirtualHosts on one port, each with its certificate: valid,
    /// expired, and one for another name; and without the lab CA, the valid one is untrusted.
    @Test(arguments: [
        ("expired.meet.vigie.test", true, "certificate expired 3 days ago"),
        ("mismatch.meet.vigie.test", true, "certificate is for meet.vigie.test, not mismatch.meet.vigie.test"),
        (
            "meet.vigie.test", false,
            "certificate chain is not trusted (issuer CN=Vigie Lab CA is not in the trust store)"
        ),
    ])
    func prosodysCertificateIsJudged(_ domain: String, _ withLabCA: Bool, _ reason: String) async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - xmpp: 127.0.0.1:\(Lab.xmppC2S)
                    domain: \(domain)
            """ + (withLabCA ? "\n        ca: \(Lab.caFile)" : "")
        )
        #expect(result.verdict == .fail)
        #expect(result.error?.contains(reason) == true, "\(result.error ?? "")")
        #expect(result.tls != nil, "the certificate is reported, not just a failed connection")
        #expect(result.xmpp?.startTLS == true)
    }

    /// Near expiry: a warning, not a failure, with `warn_days`; the exporter's certificate series carry it.
    @Test func nearExpiryWarnsAndIsExported() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - xmpp: 127.0.0.1:\(Lab.xmppC2S)
                    domain: meet.vigie.test
                    ca: \(Lab.caFile)
                    warn_days: 1000
            """
        )
        #expect(result.verdict == .warn, "\(result.error ?? "")")
        #expect(result.warning?.hasPrefix("certificate expires in ") == true, "\(String(describing: result.warning))")
        let metrics = AgentMetrics()
        metrics.record(result, duration: .milliseconds(10))
        let samples = AgentMetricsTests.samples(metrics)
        let expiry = try #require(
            samples.first { $0.key.hasPrefix("vigie_tls_certificate_expiry_seconds{") && $0.key.contains("kind=xmpp") }
        )
        #expect(expiry.value > 300 * 86_400)
    }

    @Test func domainNotServedFails() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - xmpp: 127.0.0.1:\(Lab.xmppC2S)
                    domain: not-served.vigie.test
            """
        )
        #expect(result.verdict == .fail)
        #expect(result.error == "server does not serve not-served.vigie.test (host-unknown)")
        #expect(result.xmpp?.streamError == "host-unknown")
    }

    @Test func anHTTPServerIsNotXMPP() async throws {
        let result = try await SiteBuilder.runOne("      - xmpp: 127.0.0.1:\(Lab.httpPlain)")
        #expect(result.verdict == .fail)
        #expect(
            result.error?.hasPrefix("not an XMPP server (answered \"HTTP/1.1 400 Bad Request\")") == true,
            "\(result.error ?? "")"
        )
    }

    @Test func silentServerTimesOut() async throws {
        try await TestServers.withSilentTCPServer { port in
            let result = try await SiteBuilder.runOne(
                """
                      - xmpp: 127.0.0.1:\(port)
                        timeout: 500ms
                """
            )
            #expect(result.verdict == .fail)
            #expect(result.error == "no stream features in 500ms")
        }
    }

    @Test func refusedConnectionFails() async throws {
        let port = try await TestServers.freePort(udp: false)
        let result = try await SiteBuilder.runOne("      - xmpp: 127.0.0.1:\(port)")
        #expect(result.verdict == .fail)
        #expect(result.error == "connection refused")
    }
}
