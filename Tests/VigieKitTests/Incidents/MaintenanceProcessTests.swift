import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The watchdog, the register and Alertmanager end to end: `vigie serve` and `vigie incident` as processes,
/// a real nginx killed by PID, a real Prometheus and Alertmanager.
@Suite(.serialized) struct MaintenanceProcessTests {
    /// A directory with a real nginx on `port`, and a script that starts it (daemonised) — the "restart command".
    struct RestartableNginx {
        let directory: URL
        let port: Int
        var script: String { directory.appendingPathComponent("restart-nginx").path }
        var pidFile: String { directory.appendingPathComponent("nginx.pid").path }

        init(port: Int) throws {
            self.port = port
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-watchdog-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.path
            // One process (no master/worker pair), so that killing its PID kills the service.
            try """
            master_process off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events { worker_connections 16; }
            http {
                access_log off;
                client_body_temp_path \(path)/body; proxy_temp_path \(path)/proxy; fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi; scgi_temp_path \(path)/scgi;
                server { listen 127.0.0.1:\(port); location / { return 200 "ok\\n"; } }
            }
            """.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            // $1 is the unit name the watchdog passes; nginx daemonises, so the script returns at once.
            try """
            #!/bin/sh
            set -e
            [ "$1" = "web-nginx" ] || { echo "unknown unit $1" >&2; exit 2; }
            exec /usr/sbin/nginx -p \(path) -e \(path)/error.log -c \(path)/nginx.conf </dev/null >/dev/null 2>&1
            """.write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
        }

        /// Runs the script as the watchdog does (swift-subprocess), so the test starts nginx the same way.
        func start() async throws {
            let executor = RestartExecutor(dryRun: false, context: ProbeContext(allowlist: Allowlist(checks: [])))
            let outcome = await executor.run([script, "web-nginx"], timeout: .seconds(10))
            #expect(outcome.succeeded, "\(outcome.detail)")
            _ = await LoopbackHTTP.eventually(timeout: .seconds(60)) { pid != nil }
        }

        var pid: Int32? {
            (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingWhitespace()) }
        }

        /// SIGKILL to the master and its workers (killing the master alone leaves workers serving).
        func kill() async {
            if let pid { Foundation.kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(atPath: pidFile)
        }

        func remove() async {
            await kill()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func vigie(_ arguments: String...) async throws -> Shell.Result {
        try await Shell.run(VigieCLITests.binary, arguments, environment: ["USER": "test-admin"])
    }

    @Test func aKilledServiceIsRestartedAndPassesAgain() async throws {
        let nginx = try RestartableNginx(port: try await TestServers.freePort(udp: false))
        try await nginx.start()
        let data = nginx.directory.appendingPathComponent("data").path
        let serve = try await ServeProcessTests.Serve.start(
            site: """
                site: {name: watchdog-test, domain: meet.vigie.test}
                incidents: {open_after: 1, close_after: 1}
                services:
                  web:
                    unit: web-nginx
                    interval: 1s
                    checks:
                      - tcp: 127.0.0.1:\(nginx.port)
                      - http: http://127.0.0.1:\(nginx.port)/
                    remediation: {restart_after: 2, cooldown: 2s, max_restarts: 3, window: 1h, command: [\(nginx.script), web-nginx]}
                """,
            extraArguments: ["--data-dir", data]
        )
        defer { serve.kill() }
        let firstPID = try #require(nginx.pid)
        await nginx.kill()

        let restarted = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            nginx.pid != nil && nginx.pid != firstPID
        }
        #expect(restarted, "the watchdog ran the restart command:\n\(serve.daemon.log)")
        let passes = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            let tcp = try await serve.metric(#"vigie_probe_success{service="web",check="tcp",kind="tcp"} 1.0"#)
            let http = try await serve.metric(#"vigie_probe_success{service="web",check="http",kind="http"} 1.0"#)
            return tcp && http
        }
        #expect(passes, "both checks pass again")
        let closed = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            try JSONValue.parse(try await Self.vigie("incident", "list", "--data-dir", data, "--json").output)
                == .array([])
        }
        #expect(closed, "the outage's incident resolves once every check passes")
        await serve.stop()
        if !passes { await nginx.remove() }

        let audit = try await Self.vigie("incident", "audit", "--data-dir", data, "--json")
        let entries = try JSONValue.parse(audit.output)
        guard case .array(let list) = entries, let restart = list.first(where: { $0["action"] == .string("restart") })
        else {
            Issue.record("no restart in the audit log: \(audit.output)")
            return
        }
        #expect(restart["actor"] == .string("vigie-watchdog"))
        #expect(restart["target"] == .string("web"))
        #expect(restart["result"] == .string("exit 0"))
        let incidents = try JSONValue.parse(
            try await Self.vigie("incident", "list", "--all", "--data-dir", data, "--json").output
        )
        guard case .array(let all) = incidents, let incident = all.first else {
            Issue.record("the outage left no incident")
            return
        }
        // One outage, one incident: both checks' failures and the restart in its timeline.
        #expect(all.count == 1, "\(incidents)")
        #expect(incident["state"] == .string("resolved"))
        #expect(incident["key"] == .string("service:web"))
        if case .integer(let id)? = incident["id"] {
            let shown = try await Self.vigie("incident", "show", "\(id)", "--data-dir", data, "--json")
            let kinds: [String] = {
                guard case .array(let events)? = (try? JSONValue.parse(shown.output))?["timeline"] else { return [] }
                return events.compactMap { if case .string(let kind)? = $0["kind"] { kind } else { nil } }
            }()
            #expect(kinds.contains("restart"), "\(shown.output)")
            #expect(kinds.last == "resolved", "\(shown.output)")
        }
        await nginx.remove()
    }

    @Test func aServiceThatKeepsDyingHitsTheFlapLimit() async throws {
        let port = try await TestServers.freePort(udp: false)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-flap-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        // `true` "restarts" nothing: the service stays down, as one that dies right after starting.
        let serve = try await ServeProcessTests.Serve.start(
            site: """
                site: {name: flap-test, domain: meet.vigie.test}
                incidents: {open_after: 2}
                services:
                  web:
                    unit: web-nginx
                    interval: 1s
                    checks:
                      - tcp: 127.0.0.1:\(port)
                    remediation: {restart_after: 1, cooldown: 0s, max_restarts: 2, window: 1h, command: [/usr/bin/true, web-nginx]}
                """,
            extraArguments: ["--data-dir", data],
            waitForReady: false
        )
        defer { serve.kill() }
        let escalated = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            let list = try JSONValue.parse(
                try await Self.vigie("incident", "list", "--data-dir", data, "--json").output
            )
            guard case .array(let open) = list else { return false }
            return open.contains { $0["key"] == .string("service:web") && $0["severity"] == .string("critical") }
        }
        #expect(escalated, "\(serve.daemon.log)")
        let every = try JSONValue.parse(
            try await Self.vigie("incident", "list", "--all", "--data-dir", data, "--json").output
        )
        if case .array(let incidents) = every {
            #expect(incidents.count == 1, "the escalation raised the outage's incident, not another: \(every)")
        }
        try await Task.sleep(for: .seconds(3))
        let log = serve.daemon.log
        await serve.stop()
        let audit = try JSONValue.parse(try await Self.vigie("incident", "audit", "--data-dir", data, "--json").output)
        guard case .array(let entries) = audit else {
            Issue.record("the audit log in JSON is not an array: \(audit)")
            return
        }
        #expect(
            entries.filter { $0["action"] == .string("restart") }.count == 2,
            "no restart storm: two, then it stops"
        )
        #expect(entries.filter { $0["action"] == .string("escalate") }.count == 1)
        #expect(log.contains("watchdog escalation"))
    }

    /// Every incident `vigie incident open` reported as stored is there after a SIGKILL mid-way.
    @Test func aSIGKILLLosesNothingAcknowledged() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-kill-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let log = data + ".out"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let site = data + ".yml"
        try "site: {name: kill, domain: meet.vigie.test}\nservices: {s: {}}\n".write(
            toFile: site,
            atomically: true,
            encoding: .utf8
        )
        defer { try? FileManager.default.removeItem(atPath: site) }
        let loop = try Daemon(
            "/bin/sh",
            [
                "-c",
                "i=0; while true; do i=$((i+1)); \(VigieCLITests.binary) incident open --data-dir \(data) --site \(site) --service s --title \"t$i\" --json >> \(log) || exit 1; done",
            ],
            name: "open-loop"
        )
        try await Task.sleep(for: .seconds(3))
        // Kill the whole loop, the running `vigie` included, with no chance to clean up.
        _ = try await Shell.run("/usr/bin/pkill", ["-KILL", "-f", "incident open --data-dir \(data)"])
        loop.signal(SIGKILL)
        _ = await loop.waitForExit(timeout: .seconds(5))
        let acknowledged = (try String(contentsOfFile: log, encoding: .utf8)).split(separator: "\n").compactMap {
            line -> Int? in
            guard case .integer(let id)? = try? JSONValue.parse(String(line))["id"] else { return nil }
            return id
        }
        #expect(acknowledged.count >= 3, "the loop ran")
        let store = try SQLiteIncidentStore(dataDirectory: data)
        for id in acknowledged {
            #expect(try await store.incident(id: Int64(id)) != nil, "incident #\(id) was acknowledged but is lost")
        }
        let stored = try await store.incidents(includeResolved: true, limit: 100_000)
        #expect(stored.count >= acknowledged.count)
    }

    @Test func theCLIReadsAPostgreSQLRegister() async throws {
        try await Lab.ready()
        let name = "vigie_cli_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_"))"
        _ = try await Shell.run(
            "/usr/bin/psql",
            [
                "-h", "127.0.0.1", "-p", "\(Lab.postgres)", "-U", "vigie", "-d", "postgres", "-c",
                "CREATE DATABASE \(name)",
            ]
        )
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-pg-\(UUID()).yml")
        try """
        site: {name: pg, domain: meet.vigie.test}
        incidents: {database: "postgresql://vigie@127.0.0.1:\(Lab.postgres)/\(name)?sslmode=disable"}
        services: {web: {}}
        """.write(to: site, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: site) }
        let opened = try await Self.vigie(
            "incident",
            "open",
            "--site",
            site.path,
            "--service",
            "web",
            "--title",
            "shared register",
            "--json"
        )
        #expect(opened.status == 0, "\(opened.standardError)")
        let marked = try await Self.vigie(
            "incident",
            "mark",
            "1",
            "--site",
            site.path,
            "--personal-data-breach",
            "--at",
            "2026-11-24T10:00:00Z"
        )
        #expect(marked.output.contains("rgpd_notification: 2026-11-27T10:00:00Z"))
        let shown = try JSONValue.parse(
            try await Self.vigie("incident", "show", "1", "--site", site.path, "--json").output
        )
        #expect(shown["title"] == .string("shared register"))
        #expect(shown["deadlines"]?["rgpd_notification"] == .string("2026-11-27T10:00:00Z"))
        guard case .array(let timeline)? = shown["timeline"] else {
            Issue.record("no timeline")
            return
        }
        #expect(timeline.count == 2)
        let bad = try await Self.vigie("incident", "show", "99", "--site", site.path)
        #expect(bad.status == 2)
        _ = try await Shell.run(
            "/usr/bin/psql",
            [
                "-h", "127.0.0.1", "-p", "\(Lab.postgres)", "-U", "vigie", "-d", "postgres", "-c",
                "DROP DATABASE \(name) WITH (FORCE)",
            ]
        )
    }

    /// Prometheus fires a rule on Vigie's own series, Alertmanager calls the webhook with a bearer
    /// token from a file, Vigie opens the incident; the rule stops, Alertmanager sends "resolved",
    /// the incident closes. All three are the real programs from Debian.
    @Test func aRealAlertmanagerOpensAndResolvesIncidents() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-alerting-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = "alertmanager-token-\(UUID().uuidString)"
        let tokenFile = directory.appendingPathComponent("webhook.token")
        try token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let data = directory.appendingPathComponent("data").path

        let nginxPort = try await TestServers.freePort(udp: false)
        var nginx: PrivateNginx? = try PrivateNginx(port: nginxPort)
        defer { nginx?.daemon.signal(SIGKILL) }
        let serve = try await ServeProcessTests.Serve.start(
            site: """
                site: {name: alerting-test, domain: meet.vigie.test}
                webhook: {token_file: \(tokenFile.path)}
                incidents: {open_after: 100}
                services:
                  web:
                    interval: 1s
                    checks:
                      - tcp: 127.0.0.1:\(nginxPort)
                """,
            extraArguments: ["--data-dir", data]
        )
        defer { serve.kill() }

        let alertmanagerPort = try await TestServers.freePort(udp: false)
        try """
        route:
          receiver: vigie
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: vigie
            webhook_configs:
              - url: http://127.0.0.1:\(serve.port)/api/v1/alerts
                send_resolved: true
                http_config:
                  authorization:
                    credentials_file: \(tokenFile.path)
        """.write(to: directory.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
        let alertmanager = try Daemon(
            "/usr/bin/prometheus-alertmanager",
            [
                "--config.file=\(directory.path)/alertmanager.yml", "--storage.path=\(directory.path)/am",
                "--web.listen-address=127.0.0.1:\(alertmanagerPort)", "--cluster.listen-address=",
            ],
            name: "alertmanager"
        )
        defer { alertmanager.signal(SIGKILL) }

        let prometheusPort = try await TestServers.freePort(udp: false)
        try """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: [\(directory.path)/rules.yml]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:\(alertmanagerPort)']
        scrape_configs:
          - job_name: vigie
            static_configs:
              - targets: ['127.0.0.1:\(serve.port)']
        """.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        try """
        groups:
          - name: vigie
            rules:
              - alert: VigieProbeFailing
                expr: vigie_probe_success == 0
                labels:
                  severity: critical
                annotations:
                  summary: "{{ $labels.service }}/{{ $labels.check }} is failing"
        """.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        let prometheus = try Daemon(
            "/usr/bin/prometheus",
            [
                "--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/tsdb",
                "--web.listen-address=127.0.0.1:\(prometheusPort)", "--rules.alert.resend-delay=1s",
            ],
            name: "prometheus"
        )
        defer { prometheus.signal(SIGKILL) }

        func alertIncidents() async throws -> [JSONValue] {
            let list = try JSONValue.parse(
                try await Self.vigie("incident", "list", "--all", "--data-dir", data, "--json").output
            )
            guard case .array(let all) = list else { return [] }
            return all.filter { $0["source"] == .string("alert") }
        }

        try await Task.sleep(for: .seconds(2))
        await nginx?.stop()
        nginx = nil
        let opened = await LoopbackHTTP.eventually(timeout: .seconds(45)) {
            try await alertIncidents().first?["state"] == .string("open")
        }
        #expect(opened, "the alert opened an incident:\n\(alertmanager.log)\n\(serve.daemon.log)")
        let incident = try await alertIncidents().first
        #expect(incident?["title"] == .string("VigieProbeFailing: web/tcp is failing"))
        #expect(incident?["severity"] == .string("critical"))
        #expect(incident?["service"] == .string("web"))

        nginx = try PrivateNginx(port: nginxPort)
        let resolved = await LoopbackHTTP.eventually(timeout: .seconds(45)) {
            try await alertIncidents().first?["state"] == .string("resolved")
        }
        #expect(resolved, "the resolved notification closed it:\n\(alertmanager.log)")
        #expect(try await alertIncidents().count == 1)

        await prometheus.stop()
        await alertmanager.stop()
        await serve.stop()
        await nginx?.stop()
    }
}
