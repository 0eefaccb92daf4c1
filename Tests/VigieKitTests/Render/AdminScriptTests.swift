import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The administrator's scripts of the bundle, run for real with bash: `test_service_nc.sh` against
/// the lab's live services, `restart_monitoring.sh` with the real configuration checkers.
@Suite struct AdminScriptTests {
    /// A directory holding `name` as an executable shell script, for putting first in `PATH`.
    static func stubDirectory(_ scripts: [String: String]) throws -> URL {
        let directory = try BundleFixture.temporaryDirectory("stubs")
        for (name, text) in scripts {
            let path = directory.appendingPathComponent(name).path
            try ("#!/bin/bash\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return directory
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    // MARK: test_service_nc.sh

    /// A wrapper around the real nc that records its arguments: what the script touches is logged.
    static func recordingNC(log: String) throws -> URL {
        let nc = try #require(Tools.find("nc"), "nc is not installed (Debian package netcat-openbsd)")
        return try stubDirectory(["nc": "printf '%s\\n' \"$*\" >> '\(log)'\nexec \(nc) \"$@\"\n"])
    }

    @Test func testServiceNCPassesOnTheLabAndTouchesOnlyTheDeclaredEndpoints() async throws {
        try await Lab.ready()
        let directory = try BundleFixture.written(try BundleFixture.render(siteFile: BundleFixture.labSite), "nc-lab")
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("nc.log").path
        let stubs = try Self.recordingNC(log: log)
        defer { try? FileManager.default.removeItem(at: stubs) }

        let result = try await Shell.run(
            "/bin/bash",
            [directory.path + "/scripts/test_service_nc.sh"],
            environment: ["PATH": stubs.path + ":/usr/bin:/bin", "NC_TIMEOUT": "2"]
        )
        #expect(result.status == 0, "\(result.output)\(result.standardError)")
        let expected = [
            "OK    web          tcp 127.0.0.1:18443",
            "OK    web          tcp 127.0.0.1:18080",
            "OK    xmpp         tcp 127.0.0.1:18222",
            "OK    xmpp         tcp 127.0.0.1:18280",
            "OK    turn         udp 127.0.0.1:18478 (not closed)",
            "OK    videobridge  udp 127.0.0.1:18000 (not closed)",
            "all declared endpoints answer",
        ]
        #expect(result.output.split(separator: "\n").map(String.init) == expected)
        // One nc per declared endpoint (the https and tcp checks on 18443 are one endpoint), nothing else.
        #expect(
            Self.lines(log) == [
                "-vz -w 2 127.0.0.1 18443", "-vz -w 2 127.0.0.1 18080", "-vz -w 2 127.0.0.1 18222",
                "-vz -w 2 127.0.0.1 18280",
                "-vzu -w 2 127.0.0.1 18478", "-vzu -w 2 127.0.0.1 18000",
            ]
        )
    }

    @Test func testServiceNCReportsClosedPortsAndExitsOne() async throws {
        let tcp = try await TestServers.freePort(udp: false)
        let udp = try await TestServers.freePort(udp: true)
        let yaml = BundleFixture.yaml(
            services: """
                  web:
                    checks:
                      - tcp: 127.0.0.1:\(tcp)
                  videobridge:
                    checks:
                      - udp: 127.0.0.1:\(udp)

                """
        )
        let directory = try BundleFixture.written(try BundleFixture.render(yaml: yaml), "nc-closed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await Shell.run(
            "/bin/bash",
            [directory.path + "/scripts/test_service_nc.sh"],
            environment: ["NC_TIMEOUT": "2"]
        )
        #expect(result.status == 1)
        #expect(result.output.contains("FAIL  web          tcp 127.0.0.1:\(tcp)\n"), "\(result.output)")
        #expect(result.output.contains("FAIL  videobridge  udp 127.0.0.1:\(udp) (closed)\n"), "\(result.output)")
        #expect(result.output.hasSuffix("2 endpoint(s) failed\n"))

        // Without nc the script says so and exits 2 rather than reporting every port down.
        let empty = try Self.stubDirectory([:])
        defer { try? FileManager.default.removeItem(at: empty) }
        let missing = try await Shell.run(
            "/bin/bash",
            [directory.path + "/scripts/test_service_nc.sh"],
            environment: ["PATH": empty.path]
        )
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("nc is not installed (Debian package netcat-openbsd)"))
        #expect(missing.output.isEmpty)
    }

    // MARK: restart_monitoring.sh

    /// Runs the rendered script with a `systemctl` stand-in (there is no systemd here) that logs what
    /// it is asked and answers `is-active` with `active`, or `failed` for the units in `failing`.
    static func restartMonitoring(
        bundle directory: URL,
        failing: [String] = []
    ) async throws -> (result: Shell.Result, systemctl: [String]) {
        let log = directory.appendingPathComponent("systemctl.log").path
        try? FileManager.default.removeItem(atPath: log)
        let failed = failing.map { "\($0).service" }.joined(separator: " ")
        let stubs = try stubDirectory([
            "systemctl": """
            printf '%s\\n' "$*" >> '\(log)'
            if [[ "$1" == is-active ]]; then
                for unit in \(failed); do [[ "$2" == "$unit" ]] && { echo failed; exit 3; }; done
                echo active
            fi
            exit 0

            """
        ])
        defer { try? FileManager.default.removeItem(at: stubs) }
        let result = try await Shell.run(
            "/bin/bash",
            [directory.path + "/scripts/restart_monitoring.sh"],
            environment: [
                "PATH": stubs.path + ":/usr/bin:/bin:/usr/sbin:/sbin",
                "PROMETHEUS_CONFIG": directory.path + "/prometheus/prometheus.yml",
                "ALERTMANAGER_CONFIG": directory.path + "/prometheus/alertmanager.yml",
                "BLACKBOX_CONFIG": directory.path + "/prometheus/blackbox.yml",
                "VIGIE": VigieCLITests.binary,
                "VIGIE_SITE": directory.path + "/vigie/vigie.yml",
            ]
        )
        return (result, lines(log))
    }

    @Test func restartMonitoringChecksEachConfigurationThenRestarts() async throws {
        let directory = try BundleFixture.written(
            try BundleFixture.render(siteFile: BundleFixture.exampleSite),
            "restart"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let units = [
            "prometheus", "prometheus-alertmanager", "prometheus-blackbox-exporter", "prometheus-node-exporter",
            "vigie",
        ]

        let healthy = try await Self.restartMonitoring(bundle: directory)
        #expect(healthy.result.status == 0, "\(healthy.result.output)\(healthy.result.standardError)")
        #expect(
            healthy.result.output.split(separator: "\n").map(String.init)
                == units.map { $0.padding(toLength: 32, withPad: " ", startingAt: 0) + " active" }
        )
        #expect(healthy.systemctl == units.flatMap { ["restart \($0).service", "is-active \($0).service"] })

        // A unit that does not come back is reported and fails the run.
        let down = try await Self.restartMonitoring(bundle: directory, failing: ["vigie"])
        #expect(down.result.status == 1)
        #expect(down.result.output.contains("vigie                            failed\n"), "\(down.result.output)")

        // A broken Alertmanager configuration (a route to a receiver that does not exist) is caught by
        // the real amtool: that unit is left running on its old configuration, the others restart.
        let alertmanager = directory.appendingPathComponent("prometheus/alertmanager.yml")
        let good = try String(contentsOf: alertmanager, encoding: .utf8)
        try good.replacingOccurrences(of: "route:\n  receiver: ", with: "route:\n  receiver: undefined-").write(
            to: alertmanager,
            atomically: true,
            encoding: .utf8
        )
        let broken = try await Self.restartMonitoring(bundle: directory)
        #expect(broken.result.status == 1)
        #expect(
            broken.result.output.contains(
                "prometheus-alertmanager          NOT RESTARTED: configuration check failed\n"
            ),
            "\(broken.result.output)"
        )
        #expect(!broken.systemctl.contains("restart prometheus-alertmanager.service"))
        #expect(
            broken.systemctl.contains("restart prometheus.service")
                && broken.systemctl.contains("restart vigie.service")
        )

        // A site file vigie refuses keeps vigie from being restarted.
        try good.write(to: alertmanager, atomically: true, encoding: .utf8)
        let site = directory.appendingPathComponent("vigie/vigie.yml")
        try "site: {name: broken}\n".write(to: site, atomically: true, encoding: .utf8)
        let badSite = try await Self.restartMonitoring(bundle: directory)
        #expect(badSite.result.status == 1)
        #expect(
            badSite.result.output.contains(
                "vigie                            NOT RESTARTED: configuration check failed\n"
            )
        )
        #expect(!badSite.systemctl.contains("restart vigie.service"))
    }
}
