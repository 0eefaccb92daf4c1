import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieRender

/// The polkit rule rendered from the site: exactly the (unit, verb) pairs the remediation runs through
/// systemctl, as systemctl names the units; every value a JavaScript string literal. (The booted Debian
/// 12 of Tests/Package runs it in real polkitd: a declared unit restarted, another refused.)
@Suite struct PolkitRuleTests {
    static let yaml = """
        site:
          name: test
          domain: meet.vigie.test
        services:
          web:
            unit: nginx
            checks: [{tcp: 127.0.0.1:443}]
            remediation: {}
          xmpp:
            unit: prosody.service
            checks: [{tcp: 127.0.0.1:5222}]
            remediation:
              command: [/usr/bin/systemctl, try-restart, prosody.service]
          bridge:
            unit: jitsi-videobridge2
            checks: [{tcp: 127.0.0.1:8080}]
            remediation:
              command: [/usr/local/sbin/restart-bridge, jitsi-videobridge2]
          turn:
            unit: coturn
            checks: [{tcp: 127.0.0.1:5349}]
          sockets:
            unit: my.socket
            checks: [{tcp: 127.0.0.1:5350}]
            remediation:
              command: [/bin/systemctl, reload-or-restart, my.socket]
        """

    @Test func grantsAreTheSystemctlRestartsOfTheSite() throws {
        let site = try SiteBuilder.site(Self.yaml)
        let (grants, ownPrograms) = PolkitRule.grants(site: site)
        #expect(
            grants.map { "\($0.verb) \($0.unit)" } == [
                "restart nginx.service", "try-restart prosody.service", "reload-or-restart my.socket",
            ]
        )
        #expect(ownPrograms == ["bridge"])
        let rule = PolkitRule.render(site: site, sitePath: "/etc/vigie/vigie.yml")
        #expect(rule.contains("        [\"nginx.service\", \"restart\"],  // service web\n"))
        #expect(rule.contains("        [\"prosody.service\", \"try-restart\"],  // service xmpp\n"))
        #expect(rule.contains("subject.user !== \"vigie\""))
        #expect(rule.contains("Service bridge restarts through a program of its own"))
        #expect(!rule.contains("coturn"), "a service without remediation is not restarted")
    }

    @Test func aSiteWithoutRestartsAllowsNothing() throws {
        let site = try SiteBuilder.site(
            "site: {name: test, domain: meet.vigie.test}\nservices:\n  web:\n    unit: nginx\n    checks: [{tcp: 127.0.0.1:443}]\n"
        )
        let rule = PolkitRule.render(site: site, sitePath: "/etc/vigie/vigie.yml")
        #expect(rule.contains("var allowed = [\n    ];"))
        #expect(rule.contains("allows nothing"))
    }

    @Test func unitNamesAsSystemctlSendsThem() {
        #expect(PolkitRule.fullUnitName("nginx") == "nginx.service")
        #expect(PolkitRule.fullUnitName("nginx.service") == "nginx.service")
        #expect(PolkitRule.fullUnitName("jitsi.target") == "jitsi.target")
        #expect(PolkitRule.fullUnitName("foo.bar") == "foo.bar.service")
        #expect(PolkitRule.fullUnitName("getty@tty1") == "getty@tty1.service")
    }

    @Test func valuesAreStringLiteralsAndCommentsStayComments() {
        #expect(PolkitRule.literal("a\"b\\c") == #""a\"b\\c""#)
        #expect(PolkitRule.literal("x\u{2028}y\né") == #""x\u2028y\u000a\u00e9""#)
        #expect(PolkitRule.commentText("/etc/vigie/a\nb\u{2028}c.yml") == "/etc/vigie/a?b?c.yml")
    }

    /// `vigie watchdog polkit-rule --install`, as vigie.service runs it: written 0644, unchanged the
    /// second time, a link in its place refused (nothing written through it), no rules directory a warning.
    @Test func installWritesTheRuleAndRefusesALink() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-polkit-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = try VigieCLITests.write(Self.yaml)
        defer { try? FileManager.default.removeItem(atPath: site) }
        let rules = directory.appendingPathComponent("rules.d")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let install = ["watchdog", "polkit-rule", "--site", site, "--install", "--rules-directory", rules.path]
        let first = try await Shell.run(VigieCLITests.binary, install)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("written: vigie may restart nginx.service, try-restart prosody.service"))
        let file = rules.appendingPathComponent("50-vigie.rules")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == PolkitRule.render(site: try SiteLoader.load(path: site), sitePath: site))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        #expect(try await Shell.run(VigieCLITests.binary, install).standardError.contains("unchanged"))
        // A link where the rule goes: refused, its target untouched.
        let target = directory.appendingPathComponent("elsewhere")
        try "keep\n".write(to: target, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createSymbolicLink(at: file, withDestinationURL: target)
        let linked = try await Shell.run(VigieCLITests.binary, install)
        #expect(linked.status == 1)
        #expect(linked.standardError.contains("symbolic link"), "\(linked.standardError)")
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep\n")
        // No polkit on the host: the agent still starts, the journal says why restarts will be refused.
        let missing = try await Shell.run(
            VigieCLITests.binary,
            ["watchdog", "polkit-rule", "--site", site, "--install", "--rules-directory", directory.path + "/none"]
        )
        #expect(missing.status == 0)
        #expect(missing.standardError.contains("is polkitd installed?"))
        #expect(missing.standardError.contains("restarts of nginx.service, prosody.service, my.socket will be refused"))
        // Printed, not installed, without --install.
        let printed = try await Shell.run(VigieCLITests.binary, ["watchdog", "polkit-rule", "--site", site])
        #expect(printed.output == text)
    }
}
