import Foundation
import Synchronization
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The http and https probes against the lab's real nginx (and its broken variants).
@Suite struct HTTPProbeLabTests {
    init() async throws { try await Lab.ready() }

    static func https(_ port: Int, options: String = "") -> String {
        """
              - https: https://meet.vigie.test:\(port)/
                resolve: 127.0.0.1
                ca: \(Lab.caFile)
        \(options)
        """
    }

    /// A directory of its own holding a copy of the lab's CA file (which a test may then remove).
    static func copyOfTheLabCA() throws -> (directory: URL, file: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-ca-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("ca.pem").path
        try FileManager.default.copyItem(atPath: Lab.caFile, toPath: copy)
        return (directory, copy)
    }

    /// A check's `ca` file is read and parsed once, with the site: removed after the load, the checks of
    /// that site still trust it; a context made without the site reads it at the probe (and fails).
    @Test func theCAFileIsParsedOnceWithTheSite() async throws {
        let (directory, copy) = try Self.copyOfTheLabCA()
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = try SiteBuilder.site(
            checks: """
                          - https: https://meet.vigie.test:\(Lab.httpsOK)/
                            resolve: 127.0.0.1
                            ca: \(copy)
                          - xmpp: 127.0.0.1:\(Lab.xmppC2S)
                            domain: meet.vigie.test
                            ca: \(copy)
                """
        )
        let trust = TrustStores(site: site)
        #expect(trust.count == 1, "one file named twice is loaded once")
        guard case .failure(let other) = trust.store(caFile: Lab.caFile) else {
            Issue.record("a store made from a site read a file the site does not name")
            return
        }
        #expect(other.description.contains("is not one of the site's"))
        try FileManager.default.removeItem(atPath: copy)
        let loaded = ProbeEngine(context: ProbeContext(allowlist: Allowlist(site: site), trust: trust))
        for result in try await loaded.run(site.checks) {
            #expect(result.verdict == .pass, "\(result.check.name): \(result.error ?? "")")
        }
        let unloaded = ProbeEngine(context: ProbeContext(allowlist: Allowlist(site: site)))
        let failed = try await unloaded.run([site.checks[0]])[0]
        #expect(failed.verdict == .fail)
        #expect(failed.error?.contains("cannot read CA file") == true, "\(failed.error ?? "")")
    }

    /// Resolving the site on the host reads each `ca` file once, however many checks name it, and the
    /// probes trust those bytes: the file is not read again, not even by the trust store made from the site.
    @Test func theCAFileIsReadOnceWhenTheSiteIsResolved() async throws {
        let (directory, copy) = try Self.copyOfTheLabCA()
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = try SiteBuilder.site(
            checks: """
                          - https: https://meet.vigie.test:\(Lab.httpsOK)/
                            resolve: 127.0.0.1
                            ca: \(copy)
                          - https: https://meet.vigie.test:\(Lab.httpsOK)/other
                            resolve: 127.0.0.1
                            ca: \(copy)
                """
        )
        let reads = Mutex<[String]>([])
        let counting = HostFileReader(environment: [:]) { path, limit in
            reads.withLock { $0.append(path) }
            return HostFileReader.readRegularFile(path, limit: limit)
        }
        let resolved = try site.resolving(.caFiles, reader: counting)
        #expect(reads.withLock { $0 } == [copy], "two checks naming one file: one read")
        #expect(resolved.caFileContents[copy] == Array(try Data(contentsOf: URL(fileURLWithPath: copy))))
        try FileManager.default.removeItem(atPath: copy)
        let engine = ProbeEngine(
            context: ProbeContext(allowlist: Allowlist(site: resolved), trust: TrustStores(site: resolved))
        )
        for result in try await engine.run(resolved.checks) {
            #expect(result.tls?.chainOK == true, "\(result.check.name): \(result.error ?? "")")
        }
        // The site only decoded has no bytes: its store reads the file, which is gone.
        let unresolved = ProbeEngine(
            context: ProbeContext(allowlist: Allowlist(site: site), trust: TrustStores(site: site))
        )
        let failed = try await unresolved.run([site.checks[0]])[0]
        #expect(failed.verdict == .fail)
        #expect(failed.error?.contains("cannot read CA file") == true, "\(failed.error ?? "")")
    }

    @Test func healthyHTTPSPassesWithCertificateDetails() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpsOK))
        #expect(result.verdict == .pass, "\(result.error ?? "")")
        #expect(result.error == nil)
        #expect(result.latency != nil)
        let http = try #require(result.http)
        #expect(http.status == 200)
        #expect(http.hsts)
        #expect(http.hstsMaxAge == 63_072_000)
        let tls = try #require(result.tls)
        #expect(tls.chainOK)
        #expect(tls.hostnameOK)
        #expect(tls.timeValid)
        #expect(tls.issuer == "CN=Vigie Lab CA")
        #expect(tls.subject == "CN=meet.vigie.test")
        #expect(tls.subjectAltNames == ["meet.vigie.test"])
        #expect(tls.protocolVersion == "TLSv1.3")
        #expect((390...397).contains(tls.daysLeft))
    }

    @Test func withoutTheLabCATheChainIsNotTrusted() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - https: https://meet.vigie.test:\(Lab.httpsOK)/
                    resolve: 127.0.0.1
            """
        )
        #expect(result.verdict == .fail)
        #expect(result.tls?.chainOK == false)
        #expect(result.tls?.hostnameOK == true)
        #expect(result.error == "certificate chain is not trusted (issuer CN=Vigie Lab CA is not in the trust store)")
    }

    @Test func expiredCertificateFails() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpsExpired))
        #expect(result.verdict == .fail)
        #expect(result.error?.hasPrefix("certificate expired 3 days ago") == true, "\(result.error ?? "")")
        #expect(result.tls?.chainOK == true)
        #expect(result.tls.map { $0.daysLeft < 0 } == true)
        #expect(result.http?.status == 200, "the server still answered")
    }

    @Test func wrongHostNameFails() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpsWrongHost))
        #expect(result.verdict == .fail)
        #expect(result.error == "certificate is for other.vigie.test, not meet.vigie.test")
        #expect(result.tls?.hostnameOK == false)
    }

    @Test func selfSignedFails() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpsSelfSigned))
        #expect(result.verdict == .fail)
        #expect(result.error == "self-signed certificate is not trusted")
    }

    @Test func missingHSTSFailsUnlessNotRequired() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpsNoHSTS))
        #expect(result.verdict == .fail)
        #expect(result.error == "no Strict-Transport-Security header")
        #expect(result.http?.hsts == false)
        let relaxed = try await SiteBuilder.runOne(Self.https(Lab.httpsNoHSTS, options: "        require_hsts: false"))
        #expect(relaxed.verdict == .pass, "\(relaxed.error ?? "")")
    }

    @Test func certificateNearExpiryWarns() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpsOK, options: "        warn_days: 400"))
        #expect(result.verdict == .warn)
        #expect(result.ok)
        #expect(result.warning?.hasPrefix("certificate expires in 39") == true, "\(result.warning ?? "")")
    }

    @Test func redirectToHTTPSPasses() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - http: http://meet.vigie.test:\(Lab.httpRedirect)/
                    resolve: 127.0.0.1
                    expect_redirect_to_https: true
            """
        )
        #expect(result.verdict == .pass, "\(result.error ?? "")")
        #expect(result.http?.status == 301)
        #expect(result.http?.location == "https://meet.vigie.test:\(Lab.httpsOK)/")
        #expect(result.http?.hops.count == 1, "the redirect is judged, not followed")
    }

    @Test func plainHTTPWithoutRedirectFails() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - http: http://meet.vigie.test:\(Lab.httpPlain)/
                    resolve: 127.0.0.1
                    expect_redirect_to_https: true
            """
        )
        #expect(result.verdict == .fail)
        #expect(result.error == "expected a redirect to https, got HTTP 200")
    }

    @Test func redirectsAreFollowedToDeclaredEndpoints() async throws {
        let results = try await SiteBuilder.run(
            checks: """
                      - http: http://meet.vigie.test:\(Lab.httpRedirect)/
                        resolve: 127.0.0.1
                        ca: \(Lab.caFile)
                      - tcp: meet.vigie.test:\(Lab.httpsOK)
                        resolve: 127.0.0.1
                """
        )
        let result = results[0]
        #expect(result.verdict == .pass, "\(result.error ?? "")")
        #expect(result.http?.hops.map(\.status) == [301, 200])
        #expect(result.http?.hops.last?.url == "https://meet.vigie.test:\(Lab.httpsOK)/")
        #expect(result.tls?.chainOK == true, "the https hop's certificate is inspected")
    }

    @Test func redirectsToUndeclaredHostsAreNotFollowed() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - http: http://meet.vigie.test:18082/
                    resolve: 127.0.0.1
            """
        )
        #expect(result.verdict == .fail)
        #expect(
            result.error
                == "redirect to https://elsewhere.vigie.test/login not followed: it is not declared in the site file"
        )
        #expect(result.http?.hops.count == 1)
        let accepted = try await SiteBuilder.runOne(
            """
                  - http: http://meet.vigie.test:18082/
                    resolve: 127.0.0.1
                    expect_status: 302
            """
        )
        #expect(accepted.verdict == .pass, "\(accepted.error ?? "")")
    }

    @Test func unexpectedStatusFails() async throws {
        let notFound = try await SiteBuilder.runOne("      - http: http://127.0.0.1:\(Lab.xmppHTTP)/no-such-path")
        #expect(notFound.verdict == .fail)
        #expect(notFound.error == "HTTP 404 Not Found (expected 2xx)")
        let expected = try await SiteBuilder.runOne(
            """
                  - http: http://127.0.0.1:\(Lab.xmppHTTP)/no-such-path
                    expect_status: [404, 410]
            """
        )
        #expect(expected.verdict == .pass, "\(expected.error ?? "")")
        let bosh = try await SiteBuilder.runOne("      - http: http://127.0.0.1:\(Lab.xmppHTTP)/http-bind")
        #expect(bosh.verdict == .pass, "Prosody's BOSH endpoint answers 200: \(bosh.error ?? "")")
    }

    @Test func httpsOnAPlainHTTPPortFailsTheHandshake() async throws {
        let result = try await SiteBuilder.runOne(Self.https(Lab.httpPlain))
        #expect(result.verdict == .fail)
        #expect(result.error == "TLS handshake failed: the server does not speak TLS on this port")
        #expect(result.tls == nil)
    }

    @Test func refusedConnectionFails() async throws {
        let port = try await TestServers.freePort(udp: false)
        let result = try await SiteBuilder.runOne("      - https: https://127.0.0.1:\(port)/")
        #expect(result.verdict == .fail)
        #expect(result.error == "connection refused")
        #expect(result.tcp?.state == .refused)
        #expect(result.latency == nil)
    }

    @Test func silentServerTimesOut() async throws {
        try await TestServers.withSilentTCPServer { port in
            let start = ContinuousClock.now
            let result = try await SiteBuilder.runOne(
                """
                      - http: http://127.0.0.1:\(port)/
                        timeout: 1s
                """
            )
            let elapsed = ContinuousClock.now - start
            #expect(result.verdict == .fail)
            #expect(result.error == "no HTTP answer in 1s")
            #expect(elapsed < .seconds(4), "the timeout bounds the probe")
        }
    }
}
