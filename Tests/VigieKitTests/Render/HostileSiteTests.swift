import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// Every string field of a site file, carrying each class of hostile characters: either the site
/// loader refuses it at the field's line, or every rendered file, read by the real parser of its
/// language (Tests/Tools/render_differential.py), sees the value only as data.
@Suite struct HostileSiteTests {
    /// A site with every section. Each `@name@` is a field the tests fill; every value is written as a
    /// YAML double-quoted scalar so that any character can reach the loader.
    static let template = """
        site:
          name: @site.name@
          domain: @site.domain@
        hosting:
          provider: gcp
          region: @hosting.region@
          public_address: @hosting.public_address@
          admin_cidrs: [@hosting.admin_cidrs@]
          vigie_package_url: @hosting.vigie_package_url@
          vigie_package_sha256: @hosting.vigie_package_sha256@
        services:
          @services.name@:
            unit: @services.unit@
            checks:
              - https: @checks.https@
                name: @checks.name@
                ca: @checks.ca@
              - http: @checks.http@
                expect_redirect_to_https: true
              - tcp: @checks.tcp@
              - udp: @checks.udp@
              - stun: @checks.stun@
              - xmpp: @checks.xmpp@
                domain: @checks.xmpp_domain@
            collect:
              - jvb_metrics: @collect.url@
            remediation:
              command: [@remediation.program@, @services.unit@]
              drain: {url: @remediation.drain@}
        incidents:
          database: @incidents.database@
          password_file: @incidents.password_file@
        webhook:
          token_file: @webhook.token_file@
        logs:
          directories: [@logs.directories@]
          key_directory: @logs.key_directory@
        alerting:
          email: @alerting.email@
          from: @alerting.from@
          smtp_smarthost: @alerting.smtp_smarthost@

        """

    /// Each field's benign value, and where a payload goes in it (`|`).
    static let fields: [(name: String, value: String)] = [
        ("site.name", "visio-|-pme"),
        ("site.domain", "meet|.example.org"),
        ("hosting.region", "europe-west9|"),
        ("hosting.public_address", "203.0.113.10|"),
        ("hosting.admin_cidrs", "198.51.100.0/28|"),
        ("hosting.vigie_package_url", "https://dl.example.org/vigie|-1.0.deb"),
        ("hosting.vigie_package_sha256", String(repeating: "ab", count: 32) + "|"),
        ("services.name", "web|"),
        ("services.unit", "nginx|"),
        ("checks.https", "https://meet.example.org/a|b"),
        ("checks.name", "site|"),
        ("checks.ca", "pki/ca|.pem"),
        ("checks.http", "http://meet.example.org/c|d"),
        ("checks.tcp", "meet.example.org:443|"),
        ("checks.udp", "meet.example.org:10000|"),
        ("checks.stun", "meet.example.org:3478|"),
        ("checks.xmpp", "127.0.0.1:5222|"),
        ("checks.xmpp_domain", "meet|.example.org"),
        ("collect.url", "http://127.0.0.1:8080/metrics|x"),
        ("remediation.program", "/usr/local/sbin/restart|-web"),
        ("remediation.drain", "http://127.0.0.1:8080/colibri/drain|x"),
        ("incidents.database", "postgresql://vigie@db.example.org/register|x"),
        ("incidents.password_file", "/etc/vigie/db|.password"),
        ("webhook.token_file", "/etc/vigie/webhook|.token"),
        ("logs.directories", "/var/log/jitsi|"),
        ("logs.key_directory", "/var/lib/vigie/keys|"),
        ("alerting.email", "oncall|@example.org"),
        ("alerting.from", "alertmanager|@example.org"),
        ("alerting.smtp_smarthost", "smtp.example.org:587|"),
    ]

    /// The hostile classes of the issue, plus the Unicode line and bidirectional controls.
    static let payloads: [(name: String, text: String)] = [
        ("CR", "\r"), ("LF", "\n"), ("NUL", "\u{0}"), ("ESC", "\u{1B}[31m"), ("tab", "\t"), ("NEL", "\u{85}"),
        ("line separator", "\u{2028}"), ("right-to-left override", "\u{202E}"), ("double quote", "\""),
        ("single quote", "'"), ("backslash", "\\"), ("command substitution", "$(touch /tmp/vigie-hostile-sentinel)"),
        ("backtick", "`touch /tmp/vigie-hostile-sentinel`"), ("mustache", "{{domain}}"), ("semicolon", ";reboot"),
        ("brace", "}"), ("hash", " #x"), ("non-ASCII", "é—ü"), ("dollar brace", "${HOME}%{x}"), ("pipe", "|a"),
        ("percent", "%00"), ("space", " x"), ("entity", "&NewLine;&rlm;"), ("strikethrough", "~~x~~"),
    ]

    /// What YAML reads as an indicator at the start of a plain scalar, as the first character of the site
    /// name (found by a review: `@visio` rendered `site: @visio`, which Prometheus refuses).
    static let leadingIndicators = [
        "@", "%", "!", "&", "-", "?", ":", ",", "[", "]", "{", "}", "'", "\"", "|", ">", "#", "`", "=", "~", ".",
    ]

    /// A YAML double-quoted scalar holding exactly `text`.
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0}": out += "\\0"
            case "\u{1B}": out += "\\e"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                    || scalar.value == 0x2029
                {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func value(_ field: String, payload: String) -> String {
        let template = fields.first { $0.name == field }!.value
        return template.replacingOccurrences(of: "|", with: payload)
    }

    /// The site file with every field benign but `field`, which carries `payload`.
    static func siteFile(field: String? = nil, payload: String = "") -> String {
        var text = template
        for (name, _) in fields {
            let raw = value(name, payload: name == field ? payload : "")
            // A mapping key is written plain when it is a service name (a quoted key is fine too).
            text = text.replacingOccurrences(of: "@\(name)@", with: yamlQuoted(raw))
        }
        return text
    }

    static func line(of field: String) -> Int {
        let lines = template.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains("@\(field)@") }! + 1
    }

    struct Outcome: Sendable {
        var refused: [(field: String, payload: String, error: SiteFileError)] = []
        var accepted: [(field: String, payload: String)] = []
        /// Render errors other than a refused value: template defects.
        var defects: [String] = []
    }

    @Test func theBenignSiteLoadsAndRenders() throws {
        let site = try SiteLoader.decode(yaml: Self.siteFile(), file: "hostile.yml", baseDirectory: "/home/admin/site")
        let bundle = try BundleRenderer(site: site, siteFileText: Self.siteFile()).render()
        #expect(bundle.files.count > 25)
    }

    /// The whole matrix: every refusal names the field's line; every accepted value renders files
    /// whose parsers see it as data; control characters are always refused.
    @Test func everyFieldAndEveryPayloadIsRefusedOrStaysData() async throws {
        let scratch = try BundleFixture.temporaryDirectory("hostile")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let benignText = Self.siteFile()
        let benignSite = try SiteLoader.decode(yaml: benignText, file: "hostile.yml", baseDirectory: "/home/admin/site")
        let benignBundle = try BundleRenderer(site: benignSite, siteFileText: benignText).render()
        let benignDirectory = scratch.appendingPathComponent("benign")
        try BundleWriter.write(benignBundle, to: benignDirectory.path)

        // Rendering ~640 site files is CPU work: off the cooperative pool (see Offload).
        let (outcome, manifest) = try await Offload.run { () throws -> (Outcome, [[String: String]]) in
            try Self.renderMatrix(into: scratch, benignDirectory: benignDirectory)
        }
        for (field, payloadName, error) in outcome.refused where error.file == "hostile.yml" {
            #expect(error.location?.line == Self.line(of: field), "\(field) with \(payloadName): \(error)")
            #expect(
                !error.description.unicodeScalars.contains { PrintableText.isForbidden($0) },
                "the message shows, not obeys: \(error)"
            )
        }
        for (field, payloadName) in outcome.accepted {
            // Control, format and separator characters never get past the loader.
            let payload = Self.payloads.first { $0.name == payloadName }!.text
            #expect(
                !payload.unicodeScalars.contains { PrintableText.isForbidden($0) },
                "\(field) accepted \(payloadName)"
            )
        }
        #expect(outcome.defects.isEmpty, "\(outcome.defects)")
        // Which fields are free text is a decision, checked here: the rest refuse every payload.
        let acceptingFields = Set(outcome.accepted.map(\.field))
        #expect(
            acceptingFields.isSubset(of: [
                "site.name", "hosting.vigie_package_url", "checks.https", "checks.http", "checks.ca", "collect.url",
                "remediation.program", "remediation.drain", "incidents.database", "alerting.email", "alerting.from",
                "services.unit",
            ]),
            "\(acceptingFields)"
        )
        #expect(outcome.accepted.contains { $0.field == "site.name" && $0.payload == "command substitution" })
        #expect(!outcome.accepted.isEmpty && !outcome.refused.isEmpty)

        let manifestFile = scratch.appendingPathComponent("manifest.json")
        let entries: [[String: Any]] = manifest.map { entry in
            var object: [String: Any] = entry
            object["derived"] =
                entry["derived"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? []
            return object
        }
        try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted]).write(to: manifestFile)
        let result = try await Shell.run("/usr/bin/env", ["python3", Self.checker, manifestFile.path])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/vigie-hostile-sentinel"), "a payload ran")

    }

    /// A site name starting with each YAML indicator renders files that parse, and the name is data in them.
    @Test func aSiteNameMayStartWithAnything() async throws {
        let scratch = try BundleFixture.temporaryDirectory("hostile-leading")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Twenty-odd renders: off the cooperative pool (see Offload).
        let manifest = try await Offload.run { () throws -> [[String: String]] in
            let benign = scratch.appendingPathComponent("benign")
            // Capitalised, so that the lower-case names derived from it (resource names, the dashboard's uid)
            // never contain the value itself and the comparison's replacement cannot touch them.
            try BundleWriter.write(try Self.leadingBundle("Visio"), to: benign.path)
            var manifest: [[String: String]] = []
            for (index, indicator) in Self.leadingIndicators.enumerated() {
                let directory = scratch.appendingPathComponent("case-\(index)")
                try BundleWriter.write(try Self.leadingBundle(indicator + "Visio"), to: directory.path)
                manifest.append([
                    "case": "site.name starting with \(indicator)", "hostile": indicator + "Visio", "benign": "Visio",
                    "hostileDir": directory.path, "benignDir": benign.path,
                    "derived": Self.encodeDerived(Self.derived(indicator + "Visio", "Visio")),
                ])
            }
            return manifest
        }
        let entries: [[String: Any]] = manifest.map { entry in
            var object: [String: Any] = entry
            object["derived"] =
                entry["derived"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? []
            return object
        }
        let manifestFile = scratch.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: entries).write(to: manifestFile)
        let result = try await Shell.run("/usr/bin/env", ["python3", Self.checker, manifestFile.path])
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        let prometheus = try #require(try Self.leadingBundle("@visio")["prometheus/prometheus.yml"]?.contents)
        #expect(prometheus.contains("site: \"@visio\"\n"))
    }

    /// The bundle of the hostile site file with `name` as its site name.
    static func leadingBundle(_ name: String) throws -> RenderedBundle {
        let text = siteFile().replacingOccurrences(
            of: yamlQuoted(value("site.name", payload: "")),
            with: yamlQuoted(name)
        )
        return try BundleRenderer(
            site: try SiteLoader.decode(yaml: text, file: "hostile.yml", baseDirectory: "/"),
            siteFileText: text
        ).render()
    }

    /// The bundle's own checkers on one render where every free-text field carries every printable payload
    /// at once: promtool, amtool, blackbox, nft and cloud-init still accept the files.
    @Test func theRealCheckersAcceptTheWorstAcceptedValues() async throws {
        let printable = Self.payloads.map(\.text).filter {
            !$0.unicodeScalars.contains { PrintableText.isForbidden($0) }
        }
        // The site name holds 100 characters at most: the payloads that fit.
        var text = Self.siteFile(field: "site.name", payload: String(printable.joined().prefix(85)))
        let path =
            "/a" + printable.filter { $0.unicodeScalars.allSatisfy { $0.isASCII && $0 != " " && $0 != "#" } }.joined()
        text = text.replacingOccurrences(
            of: Self.yamlQuoted(Self.value("collect.url", payload: "")),
            with: Self.yamlQuoted("http://127.0.0.1:8080" + path)
        )
        text = text.replacingOccurrences(
            of: Self.yamlQuoted(Self.value("checks.https", payload: "")),
            with: Self.yamlQuoted("https://meet.example.org" + path)
        )
        let site = try SiteLoader.decode(yaml: text, file: "hostile.yml", baseDirectory: "/")
        #expect(site.name.contains("$(touch"))
        let bundle = try BundleRenderer(site: site, siteFileText: text).render()
        let directory = try BundleFixture.written(bundle, "hostile-real")
        defer { try? FileManager.default.removeItem(at: directory) }
        let checks: [(String, [String])] = [
            ("promtool", ["check", "config", directory.path + "/prometheus/prometheus.yml"]),
            ("promtool", ["check", "rules", directory.path + "/prometheus/rules/vigie-alerts.yml"]),
            ("amtool", ["check-config", directory.path + "/prometheus/alertmanager.yml"]),
            (
                "prometheus-blackbox-exporter",
                ["--config.check", "--config.file=\(directory.path)/prometheus/blackbox.yml"]
            ),
            ("unshare", ["-rn", "nft", "-c", "-f", directory.path + "/nftables/vigie.nft"]),
            ("cloud-init", ["schema", "--config-file", directory.path + "/cloud-init/user-data.yaml"]),
        ]
        for (program, arguments) in checks {
            let result = try await BundleValidatorTests.run(program, arguments)
            #expect(result.status == 0, "\(program) \(arguments): \(result.output)\(result.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/vigie-hostile-sentinel"))
    }

    /// Every field × every payload: refused (its error checked here) or rendered into `scratch`, with the
    /// manifest of the rendered cases for the differential checker.
    static func renderMatrix(into scratch: URL, benignDirectory: URL) throws -> (Outcome, [[String: String]]) {
        var outcome = Outcome()
        var manifest: [[String: String]] = []
        for (field, _) in Self.fields {
            for (payloadName, payload) in Self.payloads {
                let text = Self.siteFile(field: field, payload: payload)
                let site: Site
                do {
                    site = try SiteLoader.decode(yaml: text, file: "hostile.yml", baseDirectory: "/home/admin/site")
                } catch {
                    outcome.refused.append((field, payloadName, error))
                    continue
                }
                let bundle: RenderedBundle
                do {
                    bundle = try BundleRenderer(site: site, siteFileText: text).render()
                } catch {
                    // A value the bundle cannot write is refused, which is safe; but it must not be a template defect.
                    guard case .unsafeValue = error else {
                        outcome.defects.append("\(field) with \(payloadName): \(error)")
                        continue
                    }
                    outcome.refused.append(
                        (
                            field, payloadName,
                            SiteFileError(file: "", location: nil, keyPath: field, message: "\(error)")
                        )
                    )
                    continue
                }
                outcome.accepted.append((field, payloadName))
                let directory = scratch.appendingPathComponent("case-\(manifest.count)")
                try BundleWriter.write(bundle, to: directory.path)
                let hostileValue = Self.value(field, payload: payload)
                let benignValue = Self.value(field, payload: "")
                manifest.append([
                    "case": "\(field) with \(payloadName)", "hostile": hostileValue, "benign": benignValue,
                    "hostileDir": directory.path, "benignDir": benignDirectory.path,
                    // Derived from the site name, not carrying it: the cloud resource names and the dashboard uid.
                    "derived": Self.encodeDerived(Self.derived(hostileValue, benignValue)),
                ])
            }
        }
        return (outcome, manifest)
    }

    /// The manifest is built off the pool, where only `Sendable` values travel: derived pairs go as JSON text.
    static func encodeDerived(_ pairs: [[String]]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: pairs)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The differential checker is not blind: a render where a value escaped its comment, or a
    /// YAML value left unquoted, is reported.
    @Test func theCheckerSeesAValueThatBecameCode() async throws {
        let scratch = try BundleFixture.temporaryDirectory("hostile-broken")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let text = Self.siteFile()
        let site = try SiteLoader.decode(yaml: text, file: "hostile.yml", baseDirectory: "/")
        let bundle = try BundleRenderer(site: site, siteFileText: text).render()
        let benign = scratch.appendingPathComponent("benign")
        try BundleWriter.write(bundle, to: benign.path)
        let hostile = "visio--pme\ntouch /tmp/vigie-hostile-sentinel"
        var broken: [RenderedBundle] = []
        for target in [
            "provision.sh", "prometheus/prometheus.yml", "nginx/meet.example.org.conf", "nftables/vigie.nft",
            "README.md",
        ] {
            // What an unescaped template would have written: the raw value where the name goes.
            var files = bundle.files
            let index = try #require(files.firstIndex { $0.path == target })
            files[index].contents = files[index].contents.replacingOccurrences(
                of: "visio--pme",
                with: hostile.replacingOccurrences(of: "touch", with: target == "README.md" ? "# touch" : "touch")
            )
            if target == "prometheus/prometheus.yml" {
                files[index].contents = files[index].contents.replacingOccurrences(
                    of: "site: visio--pme",
                    with: "site: visio--pme\n    injected: true"
                )
            }
            broken.append(RenderedBundle(files: files))
        }
        var manifest: [[String: String]] = []
        for (index, bundle) in broken.enumerated() {
            let directory = scratch.appendingPathComponent("broken-\(index)")
            try BundleWriter.write(bundle, to: directory.path)
            manifest.append([
                "case": "broken \(index)", "hostile": hostile, "benign": "visio--pme", "hostileDir": directory.path,
                "benignDir": benign.path,
            ])
        }
        let manifestFile = scratch.appendingPathComponent("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestFile)
        let result = try await Shell.run("/usr/bin/env", ["python3", Self.checker, manifestFile.path])
        #expect(result.status == 1)
        let failures = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: String]] ?? []
        for index in 0..<manifest.count {
            #expect(
                failures.contains { $0["case"] == "broken \(index)" },
                "broken \(index) is caught: \(result.output)"
            )
        }
    }

    /// Values the bundle derives from a field without carrying it whole: cloud resource names and the
    /// dashboard's uid (from the site name), a URL's path (Prometheus's `metrics_path`).
    static func derived(_ hostile: String, _ benign: String) -> [[String]] {
        var pairs = [
            [DeploymentPlan.resourceName(hostile), DeploymentPlan.resourceName(benign)],
            [dashboardUID(hostile), dashboardUID(benign)],
        ]
        if case .success(let h) = HTTPURL.parse(hostile), case .success(let b) = HTTPURL.parse(benign) {
            pairs.append([h.requestTarget, b.requestTarget])
            pairs.append([
                String(h.requestTarget.split(separator: "?", maxSplits: 1).first ?? ""),
                String(b.requestTarget.split(separator: "?", maxSplits: 1).first ?? ""),
            ])
        }
        return pairs
    }

    static func dashboardUID(_ siteName: String) -> String {
        DeploymentPlan.resourceName("vigie-\(DeploymentPlan.resourceName(siteName))")
    }

    static var checker: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Tools/render_differential.py").path
    }
}
