import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// What the bundle holds, derived from the site file; determinism; the site keys of the bundle.
struct BundleRendererTests {
    @Test func theSameSiteFileGivesByteIdenticalFiles() throws {
        let first = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        let second = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        #expect(first.files == second.files)
        #expect(first.files.count >= 30)
        #expect(first.files.map(\.path) == first.files.map(\.path).sorted())
        for file in first.files {
            // Grafana legends and Prometheus annotations use {{ }} themselves; Mustache sections never survive.
            for tag in ["{{#", "{{/", "{{^", "{{{", "{{%", "{{="] {
                #expect(!file.contents.contains(tag), "\(file.path) holds an unrendered Mustache tag \(tag)")
            }
            #expect(!file.contents.contains("<%"), "\(file.path) holds an unrendered tag")
            #expect(file.contents.hasSuffix("\n"), "\(file.path) ends without a newline")
        }
    }

    @Test func nothingRefersToExampleOrgUnlessTheSiteDoes() throws {
        let lab = try BundleFixture.render(siteFile: BundleFixture.labSite)
        for file in lab.files {
            #expect(!file.contents.contains("example.org"), "\(file.path)")
            #expect(!file.contents.contains("example.com"), "\(file.path)")
        }
        let example = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        #expect(example["nginx/meet.example.org.conf"]?.contents.contains("server_name meet.example.org;") == true)
    }

    @Test func providerChoosesTheTerraformModule() throws {
        let gcp = try BundleFixture.render(yaml: BundleFixture.yaml(provider: "gcp", region: "europe-west9"))
        #expect(gcp["terraform/main.tf"]?.contents.contains("resource \"google_compute_instance\" \"jitsi\"") == true)
        #expect(gcp["terraform/variables.tf"]?.contents.contains("default     = \"europe-west9\"") == true)
        let infomaniak = try BundleFixture.render(yaml: BundleFixture.yaml(provider: "infomaniak", region: "dc3-a"))
        #expect(infomaniak["terraform/main.tf"]?.contents.contains("openstack_compute_instance_v2") == true)
        #expect(infomaniak["terraform/main.tf"]?.contents.contains("google_") == false)
        #expect(infomaniak["README.md"]?.contents.contains("Switzerland, which has an adequacy decision") == true)
        let manual = try BundleFixture.render(yaml: BundleFixture.yaml())
        #expect(manual.files.contains { $0.path.hasPrefix("terraform/") } == false)
        #expect(manual["provision.sh"] != nil)
    }

    @Test func portsFollowTheDeclaredServices() throws {
        // Without TURN: 80 and 443 only; the media port from the udp check.
        let plain = try BundleFixture.render(
            yaml: BundleFixture.yaml(
                services: """
                      web:
                        checks:
                          - tcp: visio.test.invalid:443
                      videobridge:
                        checks:
                          - udp: visio.test.invalid:10555

                    """
            )
        )
        let nft = try #require(plain["nftables/vigie.nft"]?.contents)
        #expect(nft.contains("elements = { 80, 443 }"))
        #expect(nft.contains("elements = { 10555 }"))
        #expect(!nft.contains("set public_udp"), "no TURN: no other public UDP port")
        #expect(nft.contains("SSH: no hosting.admin_cidrs"), "SSH closed without admin networks")
        #expect(!nft.contains("dport 22 accept"))
        // With TURN, admin networks of both families, and the media port on demand.
        let turn = try BundleFixture.render(
            yaml: BundleFixture.yaml(
                services: """
                      turn:
                        unit: coturn
                        checks:
                          - stun: visio.test.invalid:3478

                    """
            ).replacingOccurrences(
                of: "  provider: manual\n",
                with:
                    "  provider: manual\n  admin_cidrs: [198.51.100.0/28, 2001:db8:1::/48]\n  media_port_on_demand: true\n"
            )
        )
        let nft2 = try #require(turn["nftables/vigie.nft"]?.contents)
        #expect(nft2.contains("elements = { 80, 443, 5349 }"))
        #expect(nft2.contains("elements = { 3478 }"))
        #expect(nft2.contains("elements = { 198.51.100.0/28 }"))
        #expect(nft2.contains("elements = { 2001:db8:1::/48 }"))
        #expect(nft2.contains("ip6 saddr @admin_v6 tcp dport 22 accept"))
        let media = try #require(nft2.range(of: "set media_udp {")).upperBound
        let mediaBlock = nft2[media...].prefix(while: { $0 != "}" })
        #expect(!mediaBlock.contains("elements"), "on demand: the media set starts empty")
    }

    @Test func endpointsAreExactlyTheDeclaredOnes() throws {
        let bundle = try BundleFixture.render(siteFile: BundleFixture.labSite)
        let script = try #require(bundle["scripts/test_service_nc.sh"]?.contents)
        let calls = script.split(separator: "\n").filter { $0.hasPrefix("check_tcp ") || $0.hasPrefix("check_udp ") }
        let site = try SiteLoader.load(path: BundleFixture.labSite)
        var expected: [String] = []
        for check in site.checks {
            let host = check.resolve?.description ?? check.endpoint.host.bare
            let line =
                "\(check.transport == .udp ? "check_udp" : "check_tcp") \(check.service) \(host) \(check.endpoint.port)"
            if !expected.contains(line) { expected.append(line) }
        }
        #expect(calls.map(String.init) == expected)
    }

    @Test func alertmanagerRoutesFollowWebhookAndEmail() throws {
        let directory = try BundleFixture.temporaryDirectory("token")
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("webhook.token").path
        try "0123456789abcdef0123".write(toFile: token, atomically: true, encoding: .utf8)
        let both = try BundleFixture.render(
            yaml: BundleFixture.yaml(
                extra: "webhook: {token_file: \(token)}\nalerting: {email: oncall@visio.test.invalid}\n"
            )
        )
        let config = try #require(both["prometheus/alertmanager.yml"]?.contents)
        #expect(config.contains("url: http://127.0.0.1:9470/api/v1/alerts"))
        #expect(config.contains("credentials_file: \(token)"))
        #expect(config.contains("- to: oncall@visio.test.invalid"))
        #expect(config.contains("continue: true"))
        #expect(!config.contains("0123456789abcdef0123"), "the token itself never lands in the bundle")
        let none = try BundleFixture.render(yaml: BundleFixture.yaml())
        #expect(none["prometheus/alertmanager.yml"]?.contents.contains("receiver: discard") == true)
    }

    @Test func logRetentionComesFromTheSiteFile() throws {
        let bundle = try BundleFixture.render(
            yaml: BundleFixture.yaml(extra: "").replacingOccurrences(
                of: "logs:\n",
                with: "logs:\n  retention_days: 9\n"
            )
        )
        let rotate = try #require(bundle["logrotate/vigie-jitsi"]?.contents)
        #expect(rotate.contains("rotate 9\n"))
        #expect(rotate.contains("maxage 9\n"))
        #expect(rotate.contains("/var/log/jitsi/*.log\n/var/log/nginx/*.log\n{"))
        let missing = BundleFixture.yaml().replacingOccurrences(
            of: "logs:\n  directories: [/var/log/jitsi, /var/log/nginx]\n",
            with: ""
        )
        #expect(throws: RenderError.self) { try BundleFixture.render(yaml: missing) }
        let unsafe = BundleFixture.yaml().replacingOccurrences(of: "/var/log/nginx]", with: "\"/var/log/a b\"]")
        let error = #expect(throws: SiteFileError.self) { try BundleFixture.render(yaml: unsafe) }
        #expect(error?.keyPath == "logs.directories[1]")
    }

    /// cloud-init's own `write_files` (the Debian package's Python module) writes the user-data's
    /// files under a scratch root: each must be the bundle's file, byte for byte, with its mode.
    @Test(arguments: ["example", "infomaniak"])
    func cloudInitWritesTheHostFilesVerbatim(site: String) async throws {
        let bundle: RenderedBundle
        if site == "example" {
            bundle = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        } else {
            // The full example, moved to Infomaniak (OpenStack), whose API limits the user-data.
            let text = try String(contentsOfFile: BundleFixture.exampleSite, encoding: .utf8)
                .replacingOccurrences(
                    of: "  provider: gcp\n  region: europe-west9\n",
                    with: "  provider: infomaniak\n  region: dc4-a\n"
                )
            bundle = try BundleFixture.render(yaml: text)
            #expect(bundle["terraform/main.tf"]?.contents.contains("openstack_compute_instance_v2") == true)
        }
        let userData = try #require(bundle["cloud-init/user-data.yaml"]?.contents)
        #expect(userData.hasPrefix("#cloud-config\n"))
        // OpenStack (Infomaniak) refuses user_data whose base64 form exceeds 65,535 bytes.
        let encoded = Data(userData.utf8).base64EncodedString().utf8.count
        #expect(encoded < 65_535, "user-data is \(encoded) bytes once base64-encoded")

        let root = try BundleFixture.temporaryDirectory("cloud-init-root")
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("user-data.yaml")
        try userData.write(to: input, atomically: true, encoding: .utf8)
        let script = """
            import os, sys, yaml
            from cloudinit.config.cc_write_files import write_files
            root = sys.argv[2]
            files = yaml.safe_load(open(sys.argv[1]))["write_files"]
            for entry in files:
                entry["path"] = root + entry["path"]
            write_files("write_files", files, "root:root")
            print(len(files))
            """
        // Debian's python3, which has the cloud-init package's modules.
        let result = try await Shell.run("/usr/bin/python3", ["-c", script, input.path, root.path + "/fs"])
        try #require(result.status == 0, "\(result.standardError)")
        let expected = BundleRenderer.hostFiles.filter { bundle[$0.source] != nil }.count + 2
        #expect(result.output == "\(expected)\n")

        let written = root.appendingPathComponent("fs/opt/vigie-bundle")
        var checked = 0
        for file in bundle.files where file.path != "cloud-init/user-data.yaml" {
            let path = written.appendingPathComponent(file.path).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == file.contents, "\(file.path)")
            let hostMode =
                BundleRenderer.hostFiles.first { $0.source == file.path }?.mode ?? (file.executable ? "0755" : "0644")
            #expect(BundleWriter.currentMode(path) == Int(hostMode, radix: 8), "\(file.path)")
            checked += 1
        }
        #expect(checked == expected)
        for required in [
            "provision.sh", "nftables/vigie.nft", "prometheus/prometheus.yml",
            "systemd/vigie-logs-purge.service.d/vigie-site.conf",
        ] {
            #expect(
                FileManager.default.fileExists(atPath: written.appendingPathComponent(required).path),
                "\(required)"
            )
        }
    }

    @Test func theDashboardIsWellFormed() throws {
        let bundle = try BundleFixture.render(siteFile: BundleFixture.exampleSite)
        let json = try JSONValue.parse(try #require(bundle["grafana/dashboards/vigie.json"]?.contents))
        guard case .array(let panels) = try #require(json["panels"]) else { Issue.record("no panels"); return }
        #expect(panels.count >= 12)
        var ids = Set<Int>()
        var cells = Set<[Int]>()
        let provisioning = try #require(bundle["grafana/provisioning/datasources/prometheus.yml"]?.contents)
        for panel in panels {
            let id = try #require(panel["id"]?.double).rounded()
            #expect(ids.insert(Int(id)).inserted, "duplicate panel id \(id)")
            let uid = try #require(panel["datasource"]?["uid"]?.stringValue)
            #expect(provisioning.contains("uid: \(uid)"), "the panel's data source is provisioned")
            let grid = try #require(panel["gridPos"])
            let (x, y, w, h) = (
                Int(grid["x"]?.double ?? -1), Int(grid["y"]?.double ?? -1), Int(grid["w"]?.double ?? 0),
                Int(grid["h"]?.double ?? 0)
            )
            #expect(x >= 0 && w > 0 && x + w <= 24 && h > 0)
            for column in x..<(x + w) {
                for row in y..<(y + h) {
                    #expect(cells.insert([column, row]).inserted, "panels overlap at \(column),\(row)")
                }
            }
            guard case .array(let targets) = try #require(panel["targets"]) else {
                Issue.record("no targets"); continue
            }
            #expect(!targets.isEmpty)
        }
        let titles = panels.compactMap { $0["title"]?.stringValue }.joined(separator: "|")
        for needed in [
            "Availability", "latency", "Certificate", "participants", "Bitrate", "stress", "ICE", "CPU", "memory",
            "network", "Incidents",
        ] {
            #expect(titles.contains(needed), "a panel about \(needed)")
        }
    }
}

/// The site-file keys the bundle adds, and the RGPD region guard.
struct RenderSiteKeyTests {
    @Test func regionsAreJudgedAgainstChapterV() {
        #expect(RegionGuard.standing(provider: .gcp, region: "europe-west9") == .insideEEA(country: "France"))
        #expect(RegionGuard.standing(provider: .gcp, region: "europe-west6") == .adequacy(country: "Switzerland"))
        #expect(RegionGuard.standing(provider: .infomaniak, region: "dc4-a") == .adequacy(country: "Switzerland"))
        #expect(RegionGuard.standing(provider: .gcp, region: "us-central1") == .transfer(country: "United States"))
        #expect(RegionGuard.standing(provider: .gcp, region: "nowhere-1") == .unknown)
        var hosting = Hosting(provider: .gcp, region: "us-central1")
        #expect(throws: RegionGuard.RegionRefusal.self) { try RegionGuard.judge(hosting).get() }
        hosting.acceptTransferOutsideEU = true
        #expect((try? RegionGuard.judge(hosting).get())?.contains("accepted in the site file") == true)
        #expect(throws: RegionGuard.RegionRefusal.self) { try RegionGuard.judge(Hosting(provider: .infomaniak)).get() }
    }

    @Test func badKeysAreNamedByLine() throws {
        let cases: [(yaml: String, line: Int, key: String, says: String)] = [
            ("hosting:\n  provider: gcp\n  region: us-east1\n", 4, "hosting.region", "outside the EU/EEA"),
            ("hosting:\n  provider: gcp\n  region: mars-1\n", 4, "hosting.region", "unknown gcp region"),
            ("hosting:\n  provider: gcp\n", 3, "hosting.provider", "hosting.region is required"),
            (
                "hosting:\n  provider: manual\n  admin_cidrs: [198.51.100.5/28]\n", 4, "hosting.admin_cidrs[0]",
                "host bits"
            ),
            (
                "hosting:\n  provider: manual\n  admin_cidrs: [0.0.0.0/0]\n", 4, "hosting.admin_cidrs[0]",
                "whole Internet"
            ),
            ("hosting:\n  provider: manual\n  admin_cidrs: [not-a-network]\n", 4, "hosting.admin_cidrs[0]", "CIDR"),
            (
                "hosting:\n  provider: manual\n  accept_transfer_outside_eu: maybe\n", 4,
                "hosting.accept_transfer_outside_eu", "true or false"
            ),
            (
                "hosting:\n  provider: manual\n  vigie_package_url: https://dl.invalid/vigie.deb\n", 4,
                "hosting.vigie_package_url", "vigie_package_sha256"
            ),
            (
                "hosting:\n  provider: manual\n  vigie_package_url: http://dl.invalid/vigie.deb\n  vigie_package_sha256: x\n",
                4, "hosting.vigie_package_url", "https"
            ),
            (
                "hosting:\n  provider: manual\n  vigie_binary_url: https://dl.invalid/vigie\n", 4,
                "hosting.vigie_binary_url", "vigie_package_url"
            ),
            (
                "hosting:\n  provider: manual\n  vigie_package_url: https://dl.invalid/vigie\n  vigie_package_sha256: "
                    + String(repeating: "0", count: 64) + "\n", 4, "hosting.vigie_package_url", ".deb"
            ),
            ("alerting:\n  email: not an address\n", 3, "alerting.email", "e-mail"),
            ("alerting:\n  smtp_smarthost: nowhere\n", 3, "alerting.smtp_smarthost", "host:port"),
            ("alerting:\n  pager: 123\n", 3, "alerting.pager", "unknown"),
        ]
        for bad in cases {
            let yaml =
                "site: {name: s, domain: d.test.invalid}\n" + bad.yaml
                + "services: {web: {checks: [{tcp: 'd.test.invalid:443'}]}}\n"
            let error = #expect(throws: SiteFileError.self, "\(bad.yaml)") { try SiteBuilder.site(yaml) }
            #expect(error?.location?.line == bad.line, "\(bad.yaml): \(String(describing: error))")
            #expect(error?.keyPath == bad.key, "\(bad.yaml): \(String(describing: error))")
            #expect(
                String(describing: error).lowercased().contains(bad.says.lowercased()),
                "\(String(describing: error))"
            )
        }
        let good = try SiteBuilder.site(
            "site: {name: s, domain: d.test.invalid}\nhosting:\n  provider: gcp\n  region: us-east1\n  accept_transfer_outside_eu: true\n"
                + "  admin_cidrs: [198.51.100.0/28, '2001:db8::/32', 192.0.2.7]\nalerting: {email: a.b+c@d.test.invalid, smtp_smarthost: 'smtp.d.test.invalid:587', smtp_require_tls: true}\n"
                + "services: {web: {checks: [{tcp: 'd.test.invalid:443'}]}}\n"
        )
        #expect(good.hosting.adminCIDRs.map(\.description) == ["198.51.100.0/28", "2001:db8::/32", "192.0.2.7/32"])
        #expect(good.alerting.email == "a.b+c@d.test.invalid")
        #expect(good.alerting.smtpRequireTLS)
    }

    @Test func networksContainTheirAddresses() throws {
        let network = try #require(IPNetwork("198.51.100.0/28"))
        #expect(network.contains(try #require(IPAddress("198.51.100.15"))))
        #expect(!network.contains(try #require(IPAddress("198.51.100.16"))))
        #expect(!network.contains(try #require(IPAddress("::1"))))
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("10.0.0.0/") == nil)
        #expect(IPNetwork("2001:db8::/129") == nil)
        #expect(IPNetwork("2001:db8::1/64") == nil)
    }
}

/// Each escaper keeps a hostile value inert in its target language.
struct TargetEscapingTests {
    @Test func yaml() {
        #expect(YAMLEscaping().escapeText("meet.example.org") == "meet.example.org")
        #expect(YAMLEscaping().escapeText("yes") == "\"yes\"")
        #expect(YAMLEscaping().escapeText("443") == "\"443\"")
        #expect(YAMLEscaping().escapeText("a: b\n- c") == "\"a: b\\n- c\"")
        #expect(YAMLEscaping().escapeText("say \"hi\" \\ ok") == "\"say \\\"hi\\\" \\\\ ok\"")
    }

    @Test func shell() {
        #expect(ShellEscaping().escapeText("meet.example.org") == "meet.example.org")
        #expect(ShellEscaping().escapeText("a b") == "'a b'")
        #expect(ShellEscaping().escapeText("$(rm -rf /)") == "'$(rm -rf /)'")
        #expect(ShellEscaping().escapeText("it's") == #"'it'\''s'"#)
        #expect(ShellEscaping().escapeText("") == "''")
    }

    @Test func hcl() {
        #expect(HCLEscaping().escapeText("europe-west9") == "\"europe-west9\"")
        #expect(HCLEscaping().escapeText("${file(\"/etc/passwd\")}") == #""$${file(\"/etc/passwd\")}""#)
        #expect(HCLEscaping().escapeText("%{ if x }") == "\"%%{ if x }\"")
        #expect(HCLEscaping().escapeText("a\nb") == "\"a\\nb\"")
    }

    @Test func configAndMarkdown() {
        #expect(ConfigEscaping().escapeText("/var/log/nginx") == "/var/log/nginx")
        #expect(ConfigEscaping().escapeText("a;b") == "\"a;b\"")
        #expect(MarkdownEscaping().escapeText("a_b|c") == "a\\_b\\|c")
    }
}

/// The unified diff `vigie render --check` prints.
struct LineDiffTests {
    @Test func equalTextsHaveNoDiff() {
        #expect(LineDiff.unified(old: "a\nb\n", new: "a\nb\n", oldName: "x", newName: "y") == "")
    }

    @Test func aChangedLineShowsWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let diff = LineDiff.unified(old: old, new: new, oldName: "disk", newName: "rendered")
        #expect(
            diff == """
                --- disk
                +++ rendered
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +line five
                 line 6
                 line 7
                 line 8

                """
        )
    }

    @Test func insertionsDeletionsAndSeparateHunks() {
        let old = (1...30).map { "l\($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...30).map { "l\($0)" }
        lines.insert("new", at: 0)
        lines.removeAll { $0 == "l20" }
        let new = lines.joined(separator: "\n") + "\n"
        let diff = LineDiff.unified(old: old, new: new, oldName: "a", newName: "b")
        #expect(diff.hasPrefix("--- a\n+++ b\n@@ -1,3 +1,4 @@\n+new\n l1\n"))
        #expect(diff.contains("+new\n"))
        #expect(diff.contains("-l20\n"))
        #expect(diff.components(separatedBy: "@@ -").count - 1 == 2, "two hunks far apart")
        let added = diff.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }
        let removed = diff.split(separator: "\n").filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }
        #expect(added == ["+new"])
        #expect(removed == ["-l20"])
    }

    @Test func emptySides() {
        #expect(
            LineDiff.unified(old: "", new: "a\n", oldName: "x", newName: "y") == "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n"
        )
        #expect(
            LineDiff.unified(old: "a\n", new: "", oldName: "x", newName: "y") == "--- x\n+++ y\n@@ -1,1 +0,0 @@\n-a\n"
        )
    }
}
