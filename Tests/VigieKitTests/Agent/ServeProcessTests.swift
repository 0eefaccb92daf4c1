import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// `vigie serve` as a process: signals, reloads, and a real Prometheus scraping it.
@Suite(.serialized) struct ServeProcessTests {
    struct Serve {
        let daemon: Daemon
        let port: Int
        let siteFile: URL

        var base: String { "http://127.0.0.1:\(port)" }

        static func start(site: String, extraArguments: [String] = [], waitForReady: Bool = true) async throws -> Serve
        {
            let port = try await TestServers.freePort(udp: false)
            let siteFile = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-serve-\(UUID()).yml")
            try site.write(to: siteFile, atomically: true, encoding: .utf8)
            var arguments = ["serve", "--site", siteFile.path, "--listen", "127.0.0.1:\(port)", "--log-level", "info"]
            if !extraArguments.contains("--data-dir") {
                arguments += [
                    "--data-dir",
                    FileManager.default.temporaryDirectory.appendingPathComponent("vigie-data-\(UUID())").path,
                ]
            }
            let daemon = try Daemon(VigieCLITests.binary, arguments + extraArguments, name: "serve")
            let serve = Serve(daemon: daemon, port: port, siteFile: siteFile)
            let up = await LoopbackHTTP.eventually {
                try await LoopbackHTTP.get(serve.base + (waitForReady ? "/-/ready" : "/-/healthy")).status == 200
            }
            if !up { Issue.record("vigie serve did not start:\n\(daemon.log)") }
            return serve
        }

        func status() async throws -> JSONValue {
            try JSONValue.parse(try await LoopbackHTTP.get(base + "/api/v1/status").body)
        }

        func metric(_ line: String) async throws -> Bool {
            try await LoopbackHTTP.get(base + "/metrics").body.split(separator: "\n").contains { $0 == line }
        }

        func stop() async {
            await daemon.stop()
            try? FileManager.default.removeItem(at: siteFile)
        }

        /// The safety net for a test that ends early: synchronous, so it runs in `defer`.
        func kill() {
            daemon.signal(SIGKILL)
            try? FileManager.default.removeItem(at: siteFile)
        }
    }

    static func site(_ checks: String) -> String {
        """
        site: {name: serve-test, domain: meet.vigie.test}
        services:
          web:
            interval: 1s
            checks:
        \(checks)
        """
    }

    @Test func sighupReloadsAGoodFileAndRefusesABadOne() async throws {
        try await Lab.ready()
        let serve = try await Serve.start(site: Self.site("      - tcp: 127.0.0.1:\(Lab.httpsOK)"))
        defer { serve.kill() }
        #expect(try await serve.metric(#"vigie_site_checks 1.0"#))

        try Self.site("      - tcp: 127.0.0.1:\(Lab.httpsOK)\n      - tcp: 127.0.0.1:\(Lab.xmppC2S)").write(
            to: serve.siteFile,
            atomically: true,
            encoding: .utf8
        )
        serve.daemon.signal(SIGHUP)
        let reloaded = await LoopbackHTTP.eventually {
            guard case .array(let results) = try await serve.status()["results"] else { return false }
            return results.count == 2
        }
        #expect(reloaded, "the new check runs after SIGHUP:\n\(serve.daemon.log)")
        #expect(try await serve.metric(#"vigie_site_reload_success 1.0"#))

        try "site: {name: broken\nservices: [".write(to: serve.siteFile, atomically: true, encoding: .utf8)
        serve.daemon.signal(SIGHUP)
        #expect(await LoopbackHTTP.eventually { try await serve.metric(#"vigie_site_reload_success 0.0"#) })
        #expect(serve.daemon.log.contains("site file rejected, the previous one stays in force"))
        guard case .array(let results) = try await serve.status()["results"] else {
            Issue.record("no results")
            return
        }
        #expect(results.count == 2, "the old site stays in force")
        #expect(serve.daemon.isRunning)
        await serve.stop()
    }

    @Test func sigtermStopsGracefully() async throws {
        try await Lab.ready()
        // A 4 s UDP probe is in flight when SIGTERM comes: it is cancelled, not waited for.
        let serve = try await Serve.start(
            site: Self.site(
                "      - tcp: 127.0.0.1:\(Lab.httpsOK)\n      - udp: 127.0.0.1:\(Lab.udpSilent)\n        timeout: 4s"
            )
        )
        defer { serve.kill() }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        serve.daemon.signal(SIGTERM)
        let status = await serve.daemon.waitForExit(timeout: .seconds(10))
        #expect(status == 0, "\(serve.daemon.log)")
        #expect(ContinuousClock.now - start < .seconds(4), "in-flight probes are cancelled")
        await #expect(throws: (any Error).self, "the listener is closed") {
            try await LoopbackHTTP.get(serve.base + "/-/healthy")
        }
    }

    @Test func badSiteFileExitsTwo() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bad-\(UUID()).yml")
        try "site: {name: s}\nservices: {}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await Shell.run(VigieCLITests.binary, ["serve", "--site", file.path])
        #expect(result.status == 2)
        #expect(result.standardError.contains("missing required key \"domain\""))
        #expect(
            try await Shell.run(VigieCLITests.binary, ["serve", "--site", file.path, "--listen", "nonsense"]).status
                == 2
        )

        // The agent reads the secrets the site file names, and stops at the key of a missing one.
        try "site: {name: s, domain: d.org}\nwebhook: {token_file: /nonexistent/webhook.token}\nservices: {web: {}}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let missing = try await Shell.run(VigieCLITests.binary, ["serve", "--site", file.path])
        #expect(missing.status == 2)
        #expect(
            missing.standardError.contains(
                "\(file.path):2:23: webhook.token_file: cannot read the webhook token file /nonexistent/webhook.token"
            ),
            "\(missing.standardError)"
        )
    }

    /// A thousand clients that open a connection and send half a request head, never more: the agent keeps
    /// answering, and closes them once the idle timeout passes.
    @Test func aThousandSlowConnectionsDoNotStarveTheAgent() async throws {
        Agent.raiseOpenFileLimit()
        let serve = try await Serve.start(
            site: Self.site("      - tcp: 127.0.0.1:1"),
            extraArguments: ["--idle-timeout", "5s"],
            waitForReady: false
        )
        defer { serve.kill() }
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        for _ in 0..<1000 {
            let fd = try SlowClient.connect(port: serve.port)
            SlowClient.send(fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(fd)
        }
        let start = ContinuousClock.now
        let healthy = try await LoopbackHTTP.get(serve.base + "/-/healthy")
        #expect(healthy.status == 200)
        #expect(ContinuousClock.now - start < .seconds(4), "answered long before the slow connections time out (5 s)")
        // Past the idle timeout the server closes them: a read sees the end (or a reset), not a wait. A
        // busy machine may take a while to get to all of them; none is left open.
        var closed = 0
        var open = sockets
        let deadline = ContinuousClock.now + .seconds(60)
        while !open.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            open = open.filter { !SlowClient.isClosedByPeer($0) }
            closed = 1000 - open.count
        }
        #expect(closed == 1000, "\(closed) of 1000 slow connections closed by the server")
        #expect(try await LoopbackHTTP.get(serve.base + "/-/healthy").status == 200)
        await serve.stop()
    }

    /// Debian's Prometheus scrapes `vigie serve`; stopping a real nginx turns the probe series to 0.
    @Test func aRealPrometheusSeesTheLabChange() async throws {
        let nginxPort = try await TestServers.freePort(udp: false)
        let nginx = try PrivateNginx(port: nginxPort)
        defer { nginx.daemon.signal(SIGKILL) }
        let serve = try await Serve.start(
            site: Self.site("      - tcp: 127.0.0.1:\(nginxPort)\n      - http: http://127.0.0.1:\(nginxPort)/")
        )
        defer { serve.kill() }

        let prometheusPort = try await TestServers.freePort(udp: false)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-prometheus-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: vigie
            static_configs:
              - targets: ['127.0.0.1:\(serve.port)']
        """.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let prometheus = try Daemon(
            "/usr/bin/prometheus",
            [
                "--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/data",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ],
            name: "prometheus"
        )
        defer { prometheus.signal(SIGKILL) }

        func query(_ expression: String) async throws -> Double? {
            let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let json = try JSONValue.parse(
                try await LoopbackHTTP.get("http://127.0.0.1:\(prometheusPort)/api/v1/query?query=\(encoded)").body
            )
            guard json["status"] == .string("success"), case .array(let vector) = json["data"]?["result"],
                let first = vector.first, case .array(let pair) = first["value"], pair.count == 2
            else { return nil }
            return pair[1].double
        }

        let up = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            try await query(#"vigie_probe_success{job="vigie",service="web",check="tcp"}"#) == 1
        }
        #expect(up, "Prometheus sees the tcp check pass:\n\(prometheus.log)")
        #expect(try await query(#"vigie_http_status_code{service="web",check="http"}"#) == 200)
        #expect(try await query(#"up{job="vigie"}"#) == 1)

        await nginx.stop()
        let down = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            try await query(#"vigie_probe_success{service="web",check="tcp"}"#) == 0
        }
        #expect(down, "after nginx stops, the series goes to 0")
        #expect(
            await LoopbackHTTP.eventually { try await query(#"vigie_probe_success{service="web",check="http"}"#) == 0 }
        )
        #expect((try await query(#"vigie_probe_failures_total{service="web",check="tcp"}"#) ?? 0) >= 1)
        await prometheus.stop()
        await serve.stop()
    }
}

/// Raw loopback sockets for the slow-client test (one descriptor each, no pooling).
enum SlowClient {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect: \(String(cString: strerror(errno)))")
        }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Whether the peer closed the connection: a non-blocking read returns 0 (end) or a reset.
    static func isClosedByPeer(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }
}
