import Testing

@testable import VigieKit

/// The xmpp probe against the lab's real Prosody 0.12.
@Suite struct XMPPProbeLabTests {
    init() async throws { try await Lab.ready() }

    @Test func prosodyPassesWithRequiredStartTLS() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - xmpp: 127.0.0.1:\(Lab.xmppC2S)
                    domain: meet.vigie.test
            """
        )
        #expect(result.verdict == .pass, "\(result.error ?? "")")
        let xmpp = try #require(result.xmpp)
        #expect(xmpp.streamFrom == "meet.vigie.test")
        #expect(xmpp.startTLS)
        #expect(xmpp.startTLSRequired, "the lab sets c2s_require_encryption")
        #expect(xmpp.features.contains("starttls"))
        #expect(result.latency != nil)
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
        #expect(result.error?.hasPrefix("not an XMPP server (answered \"HTTP/1.1 400 Bad Request\")") == true, "\(result.error ?? "")")
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
