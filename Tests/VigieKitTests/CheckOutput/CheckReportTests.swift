import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

@Suite struct CheckReportTests {
    static let startedAt = Date(timeIntervalSince1970: 1_795_000_000)

    static func results() throws -> [CheckResult] {
        let site = try SiteBuilder.site(
            checks: """
                          - https: https://meet.example.org/
                          - udp: meet.example.org:10000
                          - tcp: meet.example.org:443
                """
        )
        var https = CheckResult(check: site.checks[0], verdict: .pass, startedAt: startedAt, latency: .milliseconds(12))
        https.http = HTTPReport(
            status: 200,
            hsts: true,
            hstsMaxAge: 300,
            hops: [.init(url: "https://meet.example.org/", status: 200)],
            location: nil,
            bodyBytes: 10
        )
        https.tls = TLSReport(
            protocolVersion: "TLSv1.3",
            subject: "CN=meet.example.org",
            issuer: "CN=R11",
            subjectAltNames: ["meet.example.org"],
            notBefore: startedAt - 86_400,
            notAfter: startedAt + 10 * 86_400,
            daysLeft: 10,
            chainOK: true,
            hostnameOK: true,
            timeValid: true,
            problems: []
        )
        https.warn("certificate expires in 10 days (2026-11-28)")
        var udp = CheckResult(check: site.checks[1], verdict: .pass, startedAt: startedAt)
        udp.udp = UDPReport(state: .openOrFiltered, datagramsSent: 4)
        var tcp = CheckResult(check: site.checks[2], verdict: .pass, startedAt: startedAt)
        tcp.tcp = TCPReport(state: .refused)
        tcp.fail("connection refused")
        return [https, udp, tcp]
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let report = CheckReport(site: "visio-pme", checkedAt: Self.startedAt, results: try Self.results())
        let data = Data(report.json.serialized().utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["site"] as? String == "visio-pme")
        #expect(document["checked_at"] as? String == "2026-11-18T11:06:40Z")
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["total": 3, "passed": 1, "warned": 1, "failed": 1])
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for result in results {
            for key in ["service", "kind", "target", "ok", "latency_ms", "error"] {
                #expect(result.keys.contains(key), "every result has \(key)")
            }
        }
        #expect(results[0]["latency_ms"] as? Double == 12)
        #expect(results[0]["ok"] as? Bool == true)
        #expect(results[0]["verdict"] as? String == "warn")
        #expect(results[0]["error"] is NSNull)
        let tls = try #require(results[0]["tls"] as? [String: Any])
        #expect(tls["days_left"] as? Int == 10)
        #expect(tls["not_after"] as? String == "2026-11-28T11:06:40Z")
        #expect(tls["issuer"] as? String == "CN=R11")
        #expect(tls["hostname_ok"] as? Bool == true)
        #expect(tls["chain_ok"] as? Bool == true)
        let http = try #require(results[0]["http"] as? [String: Any])
        #expect(http["status"] as? Int == 200)
        #expect(http["hsts"] as? Bool == true)
        #expect(results[1]["latency_ms"] is NSNull)
        #expect((results[1]["udp"] as? [String: Any])?["state"] as? String == "open_or_filtered")
        #expect(results[2]["ok"] as? Bool == false)
        #expect(results[2]["error"] as? String == "connection refused")
        #expect(report.exitStatus == 1)
    }

    @Test func exitStatusIgnoresWarnings() throws {
        let results = try Self.results()
        #expect(CheckReport(site: "s", checkedAt: Self.startedAt, results: Array(results.prefix(2))).exitStatus == 0)
        #expect(CheckReport(site: "s", checkedAt: Self.startedAt, results: []).exitStatus == 0)
    }

    @Test func tableHasALinePerCheckAndASummary() throws {
        let report = CheckReport(site: "s", checkedAt: Self.startedAt, results: try Self.results())
        let plain = CheckTable(colour: false).render(report)
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("SERVICE  KIND   TARGET"))
        #expect(
            lines[1].contains("WARN") && lines[1].contains("certificate expires in 10 days")
                && lines[1].contains("12 ms")
        )
        #expect(lines[2].contains("PASS") && lines[2].contains("open or filtered"))
        #expect(lines[3].contains("FAIL") && lines[3].hasSuffix("connection refused"))
        #expect(plain.contains("3 checks: 1 passed, 1 warning, 1 failed"))
        #expect(!plain.contains("\u{1B}["))
        let coloured = CheckTable(colour: true).render(report)
        #expect(coloured.contains("\u{1B}[31mFAIL"))
        #expect(coloured.contains("\u{1B}[33mWARN"))
    }

    @Test func jsonEscapesAndNulls() {
        let value = JSONValue.object([
            ("a", .string("quote \" back \\ nl \n ctl \u{01}")), ("b", .null), ("c", .array([])), ("d", .number(1.5)),
        ])
        #expect(value.serialized() == #"{"a":"quote \" back \\ nl \n ctl \u0001","b":null,"c":[],"d":1.5}"#)
    }
}
