import Foundation
import Testing

@testable import VigieKit

/// `vigie render` as a user runs it: writing, re-running, `--check` and its drift report, errors.
@Suite struct RenderCommandTests {
    @Test func renderThenCheckFindsNoDriftAndThenEachKindOfDrift() async throws {
        let out = try BundleFixture.temporaryDirectory("render-cli")
        defer { try? FileManager.default.removeItem(at: out) }
        let site = BundleFixture.exampleSite
        let count = try BundleFixture.render(siteFile: site).files.count
        #expect(count > 30, "terraform, cloud-init, nginx, … and the GCP module")

        let first = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.output == "\(out.path): \(count) files, \(count) written\n")
        let nginx = out.appendingPathComponent("nginx/meet.example.org.conf")
        let script = out.appendingPathComponent("scripts/test_service_nc.sh")
        #expect(BundleWriter.currentMode(script.path) == 0o755)
        #expect(BundleWriter.currentMode(nginx.path) == 0o644)
        let modified = try FileManager.default.attributesOfItem(atPath: nginx.path)[.modificationDate] as? Date

        // Rendering again rewrites nothing: same bytes, files untouched.
        let second = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path)
        #expect(second.output == "\(out.path): \(count) files, 0 written\n")
        #expect(try FileManager.default.attributesOfItem(atPath: nginx.path)[.modificationDate] as? Date == modified)

        let clean = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path, "--check")
        #expect(clean.status == 0)
        #expect(clean.output == "\(out.path): \(count) files, no drift\n")

        // A hand edit, a removed file and a changed mode are each reported; nothing is written.
        let original = try String(contentsOf: nginx, encoding: .utf8)
        try original.replacingOccurrences(of: "    ssl_protocols TLSv1.2 TLSv1.3;\n", with: "    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;\n")
            .write(to: nginx, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: out.appendingPathComponent("logrotate/vigie-jitsi"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script.path)
        let drift = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path, "--check")
        #expect(drift.status == 1)
        #expect(drift.output.contains("changed: nginx/meet.example.org.conf\n--- nginx/meet.example.org.conf (on disk)\n+++ nginx/meet.example.org.conf (rendered)\n"))
        #expect(drift.output.contains("\n-    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;\n+    ssl_protocols TLSv1.2 TLSv1.3;\n"), "\(drift.output)")
        #expect(drift.output.contains("missing: logrotate/vigie-jitsi\n"))
        #expect(drift.output.contains("mode: scripts/test_service_nc.sh is 644, expected 755\n"))
        #expect(drift.standardError.contains("3 difference(s) with the site file's bundle"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("logrotate/vigie-jitsi").path), "--check writes nothing")

        // A plain render repairs all three.
        let repair = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path)
        #expect(repair.output == "\(out.path): \(count) files, 3 written\n")
        #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", out.path, "--check").status == 0)
        #expect(try String(contentsOf: nginx, encoding: .utf8) == original)
    }

    @Test func aSiteFileChangeIsDriftToo() async throws {
        let out = try BundleFixture.temporaryDirectory("render-cli-site")
        defer { try? FileManager.default.removeItem(at: out) }
        let path = try VigieCLITests.write(BundleFixture.yaml(extra: "  retention_days: 14\n"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try await VigieCLITests.vigie("render", "--site", path, "--out", out.path).status == 0)
        try BundleFixture.yaml(extra: "  retention_days: 5\n").write(toFile: path, atomically: true, encoding: .utf8)
        let drift = try await VigieCLITests.vigie("render", "--site", path, "--out", out.path, "--check")
        #expect(drift.status == 1)
        #expect(drift.output.contains("changed: logrotate/vigie-jitsi\n"))
        #expect(drift.output.contains("+    rotate 5\n"), "\(drift.output)")
    }

    @Test func badInputExitsTwoAndWritesNothing() async throws {
        let out = try BundleFixture.temporaryDirectory("render-cli-bad")
        defer { try? FileManager.default.removeItem(at: out) }

        // A region outside the EU/EEA without the explicit acceptance: refused at its line.
        let us = try VigieCLITests.write(BundleFixture.yaml(provider: "gcp", region: "us-central1"))
        defer { try? FileManager.default.removeItem(atPath: us) }
        let refused = try await VigieCLITests.vigie("render", "--site", us, "--out", out.path)
        #expect(refused.status == 2)
        #expect(refused.standardError.hasPrefix("error: \(us):4:"), "\(refused.standardError)")
        #expect(refused.standardError.contains("hosting.region"))
        #expect(refused.standardError.contains("United States"))

        // No log directories: the bundle's logrotate and purge need them.
        let noLogs = try VigieCLITests.write("site: {name: t, domain: meet.example.org}\nservices:\n  web:\n    checks:\n      - tcp: meet.example.org:443\n")
        defer { try? FileManager.default.removeItem(atPath: noLogs) }
        let missingKey = try await VigieCLITests.vigie("render", "--site", noLogs, "--out", out.path)
        #expect(missingKey.status == 2)
        #expect(missingKey.standardError.contains("logs.directories"), "\(missingKey.standardError)")

        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty, "nothing written on refusal")

        // An output that cannot be written: exit 1 with the path named.
        let blocker = out.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let unwritable = try await VigieCLITests.vigie("render", "--site", BundleFixture.exampleSite, "--out", blocker.path)
        #expect(unwritable.status == 1)
        #expect(unwritable.standardError.contains(blocker.path), "\(unwritable.standardError)")

        #expect(try await VigieCLITests.vigie("render", "--site", BundleFixture.exampleSite).status == 2, "--out is required")
    }
}
