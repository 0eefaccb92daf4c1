import Foundation
import Testing
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// Debian's real Prometheus serving series loaded ahead of time with `promtool tsdb
/// create-blocks-from openmetrics`, on a free loopback port; killed when `body` returns.
enum LoadedPrometheus {
    /// - Parameter lookback: Prometheus's `--query.lookback-delta` (how old a sample may be and still count), when not its 5 minutes.
    static func with(
        openMetrics: String,
        lookback: String? = nil,
        _ body: (_ url: String) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-prometheus-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("data.om")
        try openMetrics.write(to: input, atomically: true, encoding: .utf8)
        let created = try await Shell.run(
            "/usr/bin/promtool",
            ["tsdb", "create-blocks-from", "openmetrics", input.path, directory.appendingPathComponent("tsdb").path]
        )
        try #require(created.status == 0, "\(created.output)\(created.standardError)")
        try "global: {}\n".write(
            to: directory.appendingPathComponent("prometheus.yml"),
            atomically: true,
            encoding: .utf8
        )
        let port = try await TestServers.freePort(udp: false)
        let prometheus = try Daemon(
            "/usr/bin/prometheus",
            [
                "--config.file=\(directory.path)/prometheus.yml", "--storage.tsdb.path=\(directory.path)/tsdb",
                "--storage.tsdb.retention.time=3650d", "--web.listen-address=127.0.0.1:\(port)",
            ] + (lookback.map { ["--query.lookback-delta=\($0)"] } ?? []),
            name: "prometheus"
        )
        defer { prometheus.signal(SIGKILL) }
        let url = "http://127.0.0.1:\(port)"
        let ready = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
            try await LoopbackHTTP.get(url + "/-/ready").status == 200
        }
        try #require(ready, "\(prometheus.log)")
        try await body(url)
        await prometheus.stop()
    }
}
