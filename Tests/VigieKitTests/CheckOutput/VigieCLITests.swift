import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The `vigie` executable as a user runs it: exit statuses, stdout, stderr.
@Suite struct VigieCLITests {
    /// The binary built next to the test bundle.
    static let binary: String = {
        if let override = ProcessInfo.processInfo.environment["VIGIE_BINARY"] { return override }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidate = here.appendingPathComponent("vigie").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return Lab.packageRoot.appendingPathComponent(".build/debug/vigie").path
    }()

    static func vigie(_ arguments: String...) async throws -> Shell.Result {
        try await Shell.run(binary, arguments, environment: ["NO_COLOR": "1"])
    }

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(UUID()).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validateAcceptsTheExample() async throws {
        let result = try await Self.vigie(
            "validate",
            "--site",
            Lab.packageRoot.appendingPathComponent("Examples/vigie.yml").path
        )
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.output.contains("ok (site visio-pme, 5 services, 11 checks, 4 collectors)"))
    }

    @Test func validateRefusesABadFileWithExitTwo() async throws {
        let path = try Self.write(
            "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:99999\n"
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await Self.vigie("validate", "--site", path)
        #expect(result.status == 2)
        #expect(
            result.standardError
                == "error: \(path):5:14: services.web.checks[0].tcp: port 99999 out of range (1-65535)\n"
        )
        #expect(result.output.isEmpty)
    }

    @Test func usageErrorsExitWithTwo() async throws {
        #expect(try await Self.vigie("check", "--no-such-flag").status == 2)
        #expect(try await Self.vigie("check", "--concurrency", "0").status == 2)
        #expect(try await Self.vigie("frobnicate").status == 2)
        let missing = try await Self.vigie("check", "--site", "/nonexistent.yml")
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent.yml: cannot read the site file"))
    }

    @Test func checkTheHealthyLabAsJSON() async throws {
        try await Lab.ready()
        let result = try await Self.vigie("check", "--site", Lab.directory + "/vigie-lab.yml", "--json")
        #expect(result.status == 0, "\(result.output)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(document["site"] as? String == "vigie-lab")
        #expect(RFC3339.parse(document["checked_at"] as? String ?? "") != nil)
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(results.count == 7)
        #expect(results.allSatisfy { $0["ok"] as? Bool == true })
        let kinds = results.compactMap { $0["kind"] as? String }
        #expect(kinds == ["https", "http", "tcp", "xmpp", "http", "stun", "udp"])
        #expect((results[0]["tls"] as? [String: Any])?["chain_ok"] as? Bool == true)
        #expect((results[3]["xmpp"] as? [String: Any])?["starttls"] as? Bool == true)
        #expect(
            (results[3]["tls"] as? [String: Any])?["chain_ok"] as? Bool == true,
            "Prosody's certificate, over STARTTLS"
        )
        #expect(((results[5]["stun"] as? [String: Any])?["mapped_address"] as? String)?.hasPrefix("127.0.0.1:") == true)
        #expect((results[6]["udp"] as? [String: Any])?["state"] as? String == "open_or_filtered")
    }

    @Test func checkTheBrokenLabExitsOneWithAReasonPerLine() async throws {
        try await Lab.ready()
        var result = try await Self.vigie("check", "--site", Lab.directory + "/vigie-lab-broken.yml")
        // A closed UDP port is known by the kernel's ICMP error, sent within a global budget that the
        // suites beside this one may have spent (see DatagramProbeLabTests): asked again when it refilled.
        func icmpLost(_ output: String) -> Bool {
            output.contains("open or filtered (no ICMP") || output.contains("no STUN answer")
        }
        for _ in 0..<2 where icmpLost(result.output) {
            try await Task.sleep(for: .milliseconds(1100))
            result = try await Self.vigie("check", "--site", Lab.directory + "/vigie-lab-broken.yml")
        }
        #expect(result.status == 1)
        let expected = [
            "expired": "certificate expired 3 days ago",
            "wrong-host": "certificate is for other.vigie.test, not meet.vigie.test",
            "self-signed": "self-signed certificate is not trusted",
            "no-hsts": "no Strict-Transport-Security header",
            "no-redirect": "expected a redirect to https, got HTTP 200",
            "stopped": "connection refused",
            "wrong-domain": "server does not serve not-served.vigie.test (host-unknown)",
            "xmpp-expired": "certificate expired 3 days ago",
            "xmpp-wrong-host": "certificate is for meet.vigie.test, not mismatch.meet.vigie.test",
            "stun-closed": "port closed (ICMP port unreachable)",
            "media-closed": "port closed (ICMP port unreachable)",
        ]
        let lines = result.output.split(separator: "\n")
        for (service, reason) in expected {
            let line = lines.first { $0.hasPrefix(service + " ") }
            #expect(line?.contains("FAIL") == true, "\(service)")
            #expect(line?.contains(reason) == true, "\(service): \(line ?? "missing")")
        }
        #expect(result.output.contains("11 checks: 0 passed, 11 failed"))
        #expect(!result.output.contains("\u{1B}["), "no colour when not on a terminal")
    }

    @Test func serviceFilter() async throws {
        try await Lab.ready()
        let only = try await Self.vigie(
            "check",
            "--site",
            Lab.directory + "/vigie-lab.yml",
            "--service",
            "turn",
            "--json"
        )
        #expect(only.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(only.output.utf8)) as? [String: Any])
        #expect((document["results"] as? [[String: Any]])?.compactMap { $0["service"] as? String } == ["turn"])
        let unknown = try await Self.vigie("check", "--site", Lab.directory + "/vigie-lab.yml", "--service", "nope")
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("no service named \"nope\""))
    }

    /// What a webhook put in the register (alert labels, annotations) reaches a terminal as text: its
    /// control characters are shown, never obeyed, in tables, in `show` and in the report drafts.
    @Test func registerTextCannotDriveTheTerminal() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-escape-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try SQLiteIncidentStore(dataDirectory: data.path)
        let site = data.appendingPathComponent("vigie.yml").path
        try "site: {name: escape, domain: meet.vigie.test}\nservices: {web: {}}\n".write(
            toFile: site,
            atomically: true,
            encoding: .utf8
        )
        let hostile = "Disk \u{1B}]0;owned\u{07}\u{1B}[2J\nfake row\r\u{202E}txt"
        let (incident, _) = try await store.open(
            Incident(
                key: "alert:x",
                service: "web\u{1B}[31m",
                severity: .major,
                title: hostile,
                source: .alert,
                detectedAt: Date(),
                impact: hostile
            ),
            event: .alertFiring,
            message: hostile,
            at: Date()
        )
        for arguments in [
            ["incident", "list", "--data-dir", data.path],
            ["incident", "show", "\(incident.id)", "--data-dir", data.path],
            ["incident", "report", "\(incident.id)", "--stage", "final", "--data-dir", data.path, "--site", site],
            [
                "incident", "report", "\(incident.id)", "--stage", "final", "--format", "html", "--data-dir", data.path,
                "--site", site, "--lang", "en",
            ],
        ] {
            let result = try await Shell.run(Self.binary, arguments, environment: ["NO_COLOR": "1"])
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
            let forbidden = result.output.unicodeScalars.filter { PrintableText.isForbidden($0) && $0 != "\n" }
            #expect(forbidden.isEmpty, "\(arguments) printed \(forbidden.map { PrintableText.describe($0) })")
            #expect(!result.output.contains("\nfake row"), "\(arguments): a label cannot start a line of its own")
            #expect(result.output.contains("fake row"))
        }
        let list = try await Shell.run(Self.binary, ["incident", "list", "--data-dir", data.path])
        #expect(list.output.contains("\\u{1B}]0;owned\\u{7}"), "\(list.output)")

        // The watchdog takes service names only (nothing else can be a service of the site), and shows what
        // a shared register already holds.
        let hold = try await Shell.run(
            Self.binary,
            ["watchdog", "hold", "we\u{1B}]0;x\u{07}b", "--data-dir", data.path]
        )
        #expect(hold.status != 0)
        #expect(
            !hold.standardError.unicodeScalars.contains("\u{1B}")
                && hold.standardError.contains("is not a service name"),
            "\(hold.standardError)"
        )
        try await store.setHold(service: "old\u{1B}[2Jname", held: true, at: Date(), by: "x")
        let status = try await Shell.run(Self.binary, ["watchdog", "status", "--data-dir", data.path])
        #expect(status.output == "old\\u{1B}[2Jname: on hold\n", "\(status.output)")
    }
}
