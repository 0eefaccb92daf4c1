import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// `nc -vz` against real listeners, a free port, and a real nginx stopped by PID.
@Suite struct TCPProbeLabTests {
    init() async throws { try await Lab.ready() }

    @Test func openPortPasses() async throws {
        let result = try await SiteBuilder.runOne(
            """
                  - tcp: meet.vigie.test:\(Lab.httpsOK)
                    resolve: 127.0.0.1
            """
        )
        #expect(result.verdict == .pass)
        #expect(result.tcp?.state == .open)
        #expect(result.latency != nil)
    }

    @Test func nothingListeningIsRefused() async throws {
        let port = try await TestServers.freePort(udp: false)
        let result = try await SiteBuilder.runOne("      - tcp: 127.0.0.1:\(port)")
        #expect(result.verdict == .fail)
        #expect(result.tcp?.state == .refused)
        #expect(result.error == "connection refused")
    }

    @Test func ipv6LoopbackWorks() async throws {
        try await TestServers.withSilentTCPServer { _ in }
        let result = try await SiteBuilder.runOne("      - tcp: '[::1]:\(try await TestServers.freePort(udp: false))'")
        // Nothing listens on ::1 at that port: refused (or unreachable when IPv6 is off), never a crash.
        #expect(result.verdict == .fail)
        #expect([TCPReport.State.refused, .unreachable, .error].contains(result.tcp?.state))
    }

    /// A real nginx, started for this test alone, stopped by its PID: open, then refused.
    @Test func stoppedServiceIsRefused() async throws {
        let port = try await TestServers.freePort(udp: false)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-nginx-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = """
            worker_processes 1;
            daemon off;
            pid \(directory.path)/nginx.pid;
            error_log \(directory.path)/error.log;
            events { worker_connections 16; }
            http {
                access_log off;
                client_body_temp_path \(directory.path)/body;
                proxy_temp_path \(directory.path)/proxy;
                fastcgi_temp_path \(directory.path)/fastcgi;
                uwsgi_temp_path \(directory.path)/uwsgi;
                scgi_temp_path \(directory.path)/scgi;
                server { listen 127.0.0.1:\(port); location / { return 204; } }
            }
            """
        try config.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let nginx = try Daemon(
            "/usr/sbin/nginx",
            ["-p", directory.path, "-e", "\(directory.path)/error.log", "-c", "\(directory.path)/nginx.conf"],
            name: "tcp-nginx"
        )
        defer { nginx.signal(SIGKILL) }

        let site = try SiteBuilder.site(checks: "      - tcp: 127.0.0.1:\(port)")
        let engine = ProbeEngine(site: site)
        var open: CheckResult?
        for _ in 0..<50 {
            open = try await engine.run(site.checks[0])
            if open?.verdict == .pass { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(open?.tcp?.state == .open)

        nginx.signal(SIGTERM)
        #expect(await nginx.waitForExit(timeout: .seconds(10)) != nil)
        let stopped = try await engine.run(site.checks[0])
        #expect(stopped.verdict == .fail)
        #expect(stopped.tcp?.state == .refused)
        #expect(stopped.error == "connection refused")
    }
}
