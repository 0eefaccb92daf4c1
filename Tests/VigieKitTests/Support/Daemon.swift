import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A program the test starts in the background and stops by PID (there is no systemd here).
final class Daemon: @unchecked Sendable {
    let process = Process()
    let logURL: URL
    let name: String

    /// Starts `program`; its output goes to a log file that failures print.
    init(_ program: String, _ arguments: [String], name: String) throws {
        self.name = name
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(name)-\(UUID()).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
    }

    /// Waits for the process to end, up to `timeout`; returns its exit status, or nil if it is still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Stops the process: SIGTERM, then SIGKILL after five seconds.
    func stop() async {
        signal(SIGTERM)
        if await waitForExit(timeout: .seconds(5)) == nil {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
        try? FileManager.default.removeItem(at: logURL)
    }
}

/// Small HTTP GETs to loopback servers from tests (curl is not assumed).
enum LoopbackHTTP {
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(
        timeout: Duration = .seconds(20),
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
