import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The rendered nftables ruleset applied for real inside a test host (a network namespace),
/// probed by `vigie check` from two other test hosts: one inside the administrators' network,
/// one outside. Allowed ports answer; blocked ones stay silent.
@Suite(.serialized) struct FirewallNamespaceTests {
    static let server = "10.231.1.1"
    static let admin = "10.231.1.2"
    static let serverSide2 = "10.231.2.1"
    static let outsider = "10.231.2.2"

    static func site(mediaOnDemand: Bool) -> String {
        """
        site: {name: fw-test, domain: fw.test.invalid}
        hosting:
          provider: manual
          admin_cidrs: [\(admin)/32]
          media_port_on_demand: \(mediaOnDemand)
        services:
          web:
            checks:
              - tcp: fw.test.invalid:443
          turn:
            unit: coturn
            checks:
              - stun: fw.test.invalid:3478
          videobridge:
            checks:
              - udp: fw.test.invalid:10000
        logs:
          directories: [/var/log/jitsi]

        """
    }

    /// A site file for `vigie check` run from a client namespace: one check per port to probe.
    static func probeSite(target: String, tcp: [Int], udp: [Int]) -> String {
        var text = "site: {name: probe, domain: fw.test.invalid}\nservices:\n  probe:\n    checks:\n"
        for port in tcp {
            text += "      - tcp: \(target):\(port)\n        name: tcp-\(port)\n        timeout: 1500ms\n"
        }
        for port in udp {
            text += "      - udp: \(target):\(port)\n        name: udp-\(port)\n        timeout: 1500ms\n"
        }
        return text
    }

    /// Runs `vigie check --json` inside `namespace` and returns each check's state by name.
    static func states(_ namespace: NetworkNamespace, siteText: String, scratch: URL) async throws -> [String: String] {
        let file = scratch.appendingPathComponent("probe-\(UUID()).yml").path
        try siteText.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await namespace.run(VigieCLITests.binary, ["check", "--site", file, "--json"])
        let json = try JSONValue.parse(result.output)
        guard case .array(let results) = try #require(json["results"], "\(result.output)\(result.standardError)") else {
            return [:]
        }
        var states: [String: String] = [:]
        for entry in results {
            let name = entry["check"]?.stringValue ?? "?"
            states[name] = entry["tcp"]?["state"]?.stringValue ?? entry["udp"]?["state"]?.stringValue ?? "?"
        }
        return states
    }

    @Test func theRulesetAllowsExactlyTheMatrix() async throws {
        let scratch = try BundleFixture.temporaryDirectory("fw")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bundle = try BundleFixture.render(yaml: Self.site(mediaOnDemand: false))
        try #require(bundle["nftables/vigie.nft"]).contents.write(
            to: scratch.appendingPathComponent("vigie.nft"),
            atomically: true,
            encoding: .utf8
        )

        let server = try await NetworkNamespace.create("s")
        let admin = try await NetworkNamespace.create("a")
        let outsider = try await NetworkNamespace.create("o")
        var daemons: [Daemon] = []
        do {
            try await NetworkNamespace.link(server, "\(Self.server)/24", admin, "\(Self.admin)/24")
            try await NetworkNamespace.link(server, "\(Self.serverSide2)/24", outsider, "\(Self.outsider)/24")
            let applied = try await server.run(
                "/usr/sbin/nft",
                ["-f", scratch.appendingPathComponent("vigie.nft").path]
            )
            try #require(applied.status == 0, "\(applied.standardError)")

            // Listeners on public, SSH and internal ports; the media port has none (an allowed
            // port with no listener answers ICMP port unreachable: "closed").
            let tcpPorts = [80, 443, 5349, 22, 5222, 8080, 9095, 9470]
            for port in tcpPorts {
                daemons.append(
                    try server.daemon(
                        "/usr/bin/socat",
                        ["TCP-LISTEN:\(port),fork,reuseaddr", "SYSTEM:true"],
                        name: "listen-\(port)"
                    )
                )
            }
            // Wait until every listener is up, from inside the server itself (loopback is always allowed).
            for port in tcpPorts {
                let up = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
                    try await server.run("/bin/nc", ["-z", "-w", "1", "127.0.0.1", "\(port)"]).status == 0
                }
                try #require(up, "listener \(port) did not start")
            }

            let probes = Self.probeSite(target: Self.server, tcp: tcpPorts, udp: [10000, 3478, 9999])
            let fromAdmin = try await Self.states(admin, siteText: probes, scratch: scratch)
            #expect(fromAdmin["tcp-80"] == "open")
            #expect(fromAdmin["tcp-443"] == "open")
            #expect(fromAdmin["tcp-5349"] == "open", "TURN over TLS is public when a TURN service is declared")
            #expect(fromAdmin["tcp-22"] == "open", "SSH from the administrators' network")
            for internalPort in [5222, 8080, 9095, 9470] {
                #expect(
                    fromAdmin["tcp-\(internalPort)"] == "timeout",
                    "\(internalPort) is internal: dropped, not refused"
                )
            }
            #expect(
                fromAdmin["udp-10000"] == "closed",
                "allowed: the ICMP answer of a port with no listener comes back"
            )
            #expect(fromAdmin["udp-3478"] == "closed", "STUN is public")
            #expect(fromAdmin["udp-9999"] == "open_or_filtered", "dropped: silence")

            let probes2 = Self.probeSite(target: Self.serverSide2, tcp: [443, 22, 8080], udp: [10000])
            let fromOutside = try await Self.states(outsider, siteText: probes2, scratch: scratch)
            #expect(fromOutside["tcp-443"] == "open")
            #expect(fromOutside["tcp-22"] == "timeout", "SSH is closed to everyone else")
            #expect(fromOutside["tcp-8080"] == "timeout")
            #expect(fromOutside["udp-10000"] == "closed")

            // Internal ports stay reachable from the host itself.
            #expect(try await server.run("/bin/nc", ["-z", "-w", "2", "127.0.0.1", "8080"]).status == 0)
            // The drop counter of internal ports saw the attempts.
            let counters = try await server.run("/usr/sbin/nft", ["list", "chain", "inet", "vigie", "input"])
            #expect(counters.output.contains("tcp dport @internal_tcp counter packets"), "\(counters.output)")
            #expect(!counters.output.contains("tcp dport @internal_tcp counter packets 0 "), "\(counters.output)")
        } catch {
            Issue.record(error)
        }
        for daemon in daemons { await daemon.stop() }
        for namespace in [server, admin, outsider] { await namespace.delete() }
    }

    @Test func theMediaPortOpensAndClosesOnDemand() async throws {
        let scratch = try BundleFixture.temporaryDirectory("fw-media")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bundle = try BundleFixture.render(yaml: Self.site(mediaOnDemand: true))
        let directory = try BundleFixture.written(bundle, "fw-media-bundle")
        defer { try? FileManager.default.removeItem(at: directory) }

        let server = try await NetworkNamespace.create("m")
        let client = try await NetworkNamespace.create("c")
        do {
            try await NetworkNamespace.link(server, "\(Self.server)/24", client, "\(Self.admin)/24")
            let applied = try await server.run("/usr/sbin/nft", ["-f", directory.path + "/nftables/vigie.nft"])
            try #require(applied.status == 0, "\(applied.standardError)")
            let script = directory.path + "/nftables/media-port.sh"
            let probe = Self.probeSite(target: Self.server, tcp: [], udp: [10000])

            #expect(try await server.run("/bin/bash", [script, "status"]).output == "media port 10000/udp: closed\n")
            #expect(
                try await Self.states(client, siteText: probe, scratch: scratch)["udp-10000"] == "open_or_filtered",
                "starts closed: dropped"
            )

            let opened = try await server.run("/bin/bash", [script, "open"])
            #expect(opened.status == 0, "\(opened.standardError)")
            #expect(opened.output == "media port 10000/udp: opened\n")
            #expect(
                try await server.run("/bin/bash", [script, "open"]).output == "media port 10000/udp: already open\n"
            )
            #expect(
                try await Self.states(client, siteText: probe, scratch: scratch)["udp-10000"] == "closed",
                "open: the packet reaches the host"
            )

            #expect(try await server.run("/bin/bash", [script, "close"]).output == "media port 10000/udp: closed\n")
            #expect(try await Self.states(client, siteText: probe, scratch: scratch)["udp-10000"] == "open_or_filtered")
            let usage = try await server.run("/bin/bash", [script, "toggle"])
            #expect(usage.status == 2)
            #expect(usage.standardError.contains("usage:"))
        } catch {
            Issue.record(error)
        }
        for namespace in [server, client] { await namespace.delete() }
    }
}
