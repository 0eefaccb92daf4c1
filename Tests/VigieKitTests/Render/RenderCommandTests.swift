import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// `vigie render` as a user runs it: writing, re-running, `--check` and its drift report, errors.
@Suite struct RenderCommandTests {
    @Test func renderThenCheckFindsNoDriftAndThenEachKindOfDrift() async throws {
        let out = try BundleFixture.temporaryDirectory("render-cli")
        defer { try? FileManager.default.removeItem(at: out) }
        let site = BundleFixture.exampleSite
        let count = try BundleFixture.render(siteFile: site).files.count
        #expect(count > 25, "terraform, cloud-init, nginx, … and the GCP module")

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
        try original.replacingOccurrences(
            of: "    ssl_protocols TLSv1.2 TLSv1.3;\n",
            with: "    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;\n"
        )
        .write(to: nginx, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: out.appendingPathComponent("logrotate/vigie-jitsi"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script.path)
        let drift = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path, "--check")
        #expect(drift.status == 1)
        #expect(
            drift.output.contains(
                "changed: nginx/meet.example.org.conf\n--- nginx/meet.example.org.conf (on disk)\n+++ nginx/meet.example.org.conf (rendered)\n"
            )
        )
        #expect(
            drift.output.contains("\n-    ssl_protocols TLSv1 TLSv1.2 TLSv1.3;\n+    ssl_protocols TLSv1.2 TLSv1.3;\n"),
            "\(drift.output)"
        )
        #expect(drift.output.contains("missing: logrotate/vigie-jitsi\n"))
        #expect(drift.output.contains("mode: scripts/test_service_nc.sh is 644, expected 755\n"))
        #expect(drift.standardError.contains("3 difference(s) with the site file's bundle"))
        #expect(
            !FileManager.default.fileExists(atPath: out.appendingPathComponent("logrotate/vigie-jitsi").path),
            "--check writes nothing"
        )

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
        let noLogs = try VigieCLITests.write(
            "site: {name: t, domain: meet.example.org}\nservices:\n  web:\n    checks:\n      - tcp: meet.example.org:443\n"
        )
        defer { try? FileManager.default.removeItem(atPath: noLogs) }
        let missingKey = try await VigieCLITests.vigie("render", "--site", noLogs, "--out", out.path)
        #expect(missingKey.status == 2)
        #expect(missingKey.standardError.contains("logs.directories"), "\(missingKey.standardError)")

        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty, "nothing written on refusal")

        // An output that cannot be written: exit 1 with the path named.
        let blocker = out.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let unwritable = try await VigieCLITests.vigie(
            "render",
            "--site",
            BundleFixture.exampleSite,
            "--out",
            blocker.path
        )
        #expect(unwritable.status == 1)
        #expect(unwritable.standardError.contains(blocker.path), "\(unwritable.standardError)")

        #expect(
            try await VigieCLITests.vigie("render", "--site", BundleFixture.exampleSite).status == 2,
            "--out is required"
        )
    }

    /// Nothing is written through a link: not a directory of the bundle, not a file of it, not the output
    /// directory itself; the run is refused (exit 2) before it writes anything, and `--check` the same.
    @Test func aLinkInTheBundleIsRefusedAndNothingIsWrittenThroughIt() async throws {
        let scratch = try BundleFixture.temporaryDirectory("render-links")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let site = BundleFixture.exampleSite
        let elsewhere = scratch.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let manager = FileManager.default

        // A bundle directory that is a link (nginx/ → elsewhere).
        let out = scratch.appendingPathComponent("bundle")
        #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", out.path).status == 0)
        try manager.removeItem(at: out.appendingPathComponent("nginx"))
        try manager.createSymbolicLink(at: out.appendingPathComponent("nginx"), withDestinationURL: elsewhere)
        try manager.removeItem(at: out.appendingPathComponent("logrotate/vigie-jitsi"))
        let refused = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path)
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("\(out.path)/nginx is a symbolic link"), "\(refused.standardError)")
        #expect(try manager.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "nothing written through the link")
        #expect(
            !manager.fileExists(atPath: out.appendingPathComponent("logrotate/vigie-jitsi").path),
            "a refused run writes nothing"
        )
        let check = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path, "--check")
        #expect(check.status == 2)
        #expect(check.standardError.contains("nginx is a symbolic link"))

        // A file of the bundle that is a link to a file elsewhere: the target keeps its content.
        try manager.removeItem(at: out.appendingPathComponent("nginx"))
        let target = elsewhere.appendingPathComponent("precious")
        try "precious\n".write(to: target, atomically: true, encoding: .utf8)
        try manager.removeItem(at: out.appendingPathComponent("README.md"))
        try manager.createSymbolicLink(at: out.appendingPathComponent("README.md"), withDestinationURL: target)
        let file = try await VigieCLITests.vigie("render", "--site", site, "--out", out.path)
        #expect(file.status == 2)
        #expect(file.standardError.contains("\(out.path)/README.md is a symbolic link"), "\(file.standardError)")
        #expect(try String(contentsOf: target, encoding: .utf8) == "precious\n")
        #expect(!manager.fileExists(atPath: out.appendingPathComponent("nginx").path))

        // Links that are not paths of the bundle (a Terraform plugin cache) are not the bundle's business.
        try manager.removeItem(at: out.appendingPathComponent("README.md"))
        try manager.createDirectory(
            at: out.appendingPathComponent("terraform/.terraform"),
            withIntermediateDirectories: true
        )
        try manager.createSymbolicLink(
            at: out.appendingPathComponent("terraform/.terraform/provider"),
            withDestinationURL: elsewhere
        )
        #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", out.path).status == 0)
        #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", out.path, "--check").status == 0)

        // An output directory that is a link: refused, named; its target stays empty.
        let linked = scratch.appendingPathComponent("linked")
        try manager.createSymbolicLink(at: linked, withDestinationURL: elsewhere)
        try manager.removeItem(at: target)
        let outLink = try await VigieCLITests.vigie("render", "--site", site, "--out", linked.path)
        #expect(outLink.status == 2)
        #expect(outLink.standardError.contains("\(linked.path) is a symbolic link"), "\(outLink.standardError)")
        #expect(try manager.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", linked.path, "--check").status == 2)
        // With a trailing slash or `/.`, open() would resolve the link whatever O_NOFOLLOW says: refused the same.
        for spelling in [linked.path + "/", linked.path + "/.", linked.path + "//./"] {
            let result = try await VigieCLITests.vigie("render", "--site", site, "--out", spelling)
            #expect(result.status == 2, "\(spelling): \(result.standardError)")
            #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", spelling, "--check").status == 2)
        }
        #expect(try manager.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
        // A missing output directory is made, parents included; --check of a missing one is all missing.
        let fresh = scratch.appendingPathComponent("a/b/bundle")
        let missing = try await VigieCLITests.vigie("render", "--site", site, "--out", fresh.path, "--check")
        #expect(missing.status == 1)
        #expect(missing.output.contains("missing: README.md\n"))
        #expect(try await VigieCLITests.vigie("render", "--site", site, "--out", fresh.path).status == 0)
    }

    /// The site file's paths are paths on the Jitsi host: render and validate on a workstation read none
    /// of them, and the bundle holds the host's paths (relative ones under /etc/vigie), never the
    /// workstation's.
    @Test func pathsOfTheSiteFileAreHostPathsInTheBundle() async throws {
        let workstation = try BundleFixture.temporaryDirectory("workstation")
        defer { try? FileManager.default.removeItem(at: workstation) }
        let siteFile = workstation.appendingPathComponent("vigie.yml")
        let yaml = BundleFixture.yaml(
            services: """
                  web:
                    unit: nginx
                    checks:
                      - https: https://visio.test.invalid/
                        ca: pki/internal-ca.pem

                """,
            extra: """
                  key_directory: keys
                webhook: {token_file: webhook.token}
                incidents: {database: "postgresql://vigie@db.visio.test.invalid/register", password_file: secrets/db.password}

                """
        )
        try yaml.write(to: siteFile, atomically: true, encoding: .utf8)
        // None of the named files exists on this "workstation", and that is fine here.
        let validate = try await VigieCLITests.vigie("validate", "--site", siteFile.path)
        #expect(validate.status == 0, "\(validate.standardError)")
        let onHost = try await VigieCLITests.vigie("validate", "--on-host", "--site", siteFile.path)
        #expect(onHost.status == 2)
        #expect(
            onHost.standardError.contains("\(siteFile.path):9:"),
            "the missing CA, at its line: \(onHost.standardError)"
        )
        #expect(onHost.standardError.contains("cannot read the CA file \(workstation.path)/pki/internal-ca.pem"))
        let out = workstation.appendingPathComponent("bundle")
        let render = try await VigieCLITests.vigie("render", "--site", siteFile.path, "--out", out.path)
        #expect(render.status == 0, "\(render.standardError)")

        let bundle = try BundleFixture.render(siteFile: siteFile.path)
        for file in bundle.files where file.path != "vigie/vigie.yml" {
            #expect(!file.contents.contains(workstation.path), "\(file.path) holds a path of the rendering machine")
        }
        let alertmanager = try #require(bundle["prometheus/alertmanager.yml"]?.contents)
        #expect(alertmanager.contains("credentials_file: /etc/vigie/webhook.token\n"))
        let provision = try #require(bundle["provision.sh"]?.contents)
        #expect(provision.contains("token_file=/etc/vigie/webhook.token\n"))
        #expect(provision.contains("password_file=/etc/vigie/secrets/db.password\n"))
        #expect(provision.contains("[[ -r /etc/vigie/pki/internal-ca.pem ]]"))
        #expect(provision.contains("install -d -m 0700 -o root -g root /etc/vigie/keys\n"))
        let readme = try #require(bundle["README.md"]?.contents)
        for path in [
            "/etc/vigie/webhook.token", "/etc/vigie/secrets/db.password", "/etc/vigie/pki/internal-ca.pem",
            "/etc/vigie/keys",
        ] {
            #expect(readme.contains("| \(path) |"), "the bundle's README says where \(path) goes")
        }
        // The bundled site file keeps the paths as written: relative to /etc/vigie/vigie.yml on the host.
        #expect(bundle["vigie/vigie.yml"]?.contents.contains("token_file: webhook.token") == true)
    }

    /// provision.sh makes a missing webhook token (64 hex digits, root:vigie-webhook, 0640), keeps an
    /// existing one, and refuses a link at its path. The rendered lines run for real, with the account
    /// commands standing in (no systemd host here: the booted-host suite runs the whole script).
    @Test func provisioningMakesTheWebhookTokenOnce() async throws {
        let scratch = try BundleFixture.temporaryDirectory("token")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let token = scratch.appendingPathComponent("etc/vigie/webhook.token")
        let bundle = try BundleFixture.render(yaml: BundleFixture.yaml(extra: "webhook: {token_file: \(token.path)}\n"))
        let provision = try #require(bundle["provision.sh"]?.contents)
        let lines = provision.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("# The webhook token") })
        let end = try #require(lines[start...].firstIndex { $0.hasPrefix("chmod 0640 \"$token_file\"") })
        let stubs = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: stubs, withIntermediateDirectories: true)
        for command in ["getent", "groupadd", "usermod", "chown"] {
            let stub = stubs.appendingPathComponent(command)
            try "#!/bin/sh\necho \"\(command) $*\" >> \(scratch.path)/calls\n".write(
                to: stub,
                atomically: true,
                encoding: .utf8
            )
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        }
        let script = scratch.appendingPathComponent("token.sh")
        try
            ("set -euo pipefail\nlog() { printf '%s\\n' \"$*\"; }\n" + lines[start...end].joined(separator: "\n") + "\n")
            .write(to: script, atomically: true, encoding: .utf8)
        let environment = ["PATH": "\(stubs.path):/usr/bin:/bin"]
        let first = try await Shell.run("/bin/bash", [script.path], environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        let value = try String(contentsOf: token, encoding: .utf8)
        #expect(value.count == 65 && value.dropLast().allSatisfy(\.isHexDigit), "\(value)")
        #expect(BundleWriter.currentMode(token.path) == 0o640)
        let calls = try String(contentsOf: scratch.appendingPathComponent("calls"), encoding: .utf8)
        #expect(
            calls.contains("usermod -a -G vigie-webhook vigie\n")
                && calls.contains("usermod -a -G vigie-webhook prometheus\n")
        )
        #expect(calls.contains("chown root:vigie-webhook \(token.path)\n"))
        // Run again: the token stays.
        #expect(try await Shell.run("/bin/bash", [script.path], environment: environment).status == 0)
        #expect(try String(contentsOf: token, encoding: .utf8) == value)
        // A link where the token goes is refused; its target is untouched.
        try FileManager.default.removeItem(at: token)
        let victim = scratch.appendingPathComponent("victim")
        try "keep\n".write(to: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: token, withDestinationURL: victim)
        let link = try await Shell.run("/bin/bash", [script.path], environment: environment)
        #expect(link.status != 0)
        #expect(link.standardError.contains("is a symbolic link"))
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep\n")
    }
}
