import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// A program the test starts in the background and stops by PID (there is no systemd here).
final class Daemon: @unchecked Sendable {
    let child: ChildProcess
    let logURL: URL
    let name: String

    /// Starts `program`; its output goes to a log file that failures print.
    init(_ program: String, _ arguments: [String], name: String, environment: [String: String]? = nil) throws {
        self.name = name
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(name)-\(UUID()).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        child = try ChildProcess(program, arguments, environment: environment, stdout: logURL.path, stderr: logURL.path)
    }

    var pid: Int32 { child.pid }
    var isRunning: Bool { child.isRunning }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        child.signal(signal)
    }

    /// Waits for the process to end, up to `timeout`; returns its exit code, or nil if it is still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        await child.waitForExit(timeout: timeout)
    }

    /// Stops the process: SIGTERM, then SIGKILL after five seconds.
    func stop() async {
        await child.terminate()
        try? FileManager.default.removeItem(at: logURL)
    }
}

/// Small HTTP GETs to loopback servers from tests (curl is not assumed).
enum LoopbackHTTP {
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Polls `condition` until it holds or `timeout` passes. The bound only says when to give up: a
    /// wait ends as soon as the condition holds, so bounds are generous (CI shares two cores with
    /// every suite running in parallel, and a 15 s wait for a 3 s job has failed there).
    static func eventually(
        timeout: Duration = .seconds(60),
        _ condition: () async throws -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
