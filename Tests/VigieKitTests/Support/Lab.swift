import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

/// The test lab (`Lab/lab.sh`): real nginx, Prosody, coturn and a silent UDP socket on 127.0.0.1.
///
/// Tests call `try await Lab.ready()`; the first call runs `Lab/lab.sh up` (idempotent: it
/// only starts what is not running), so `swift test` works with or without the lab already up.
enum Lab {
    static let domain = "meet.vigie.test"
    static let httpsOK = 18443
    static let httpRedirect = 18080
    static let httpPlain = 18081
    static let httpsExpired = 18444
    static let httpsWrongHost = 18445
    static let httpsNoHSTS = 18446
    static let httpsSelfSigned = 18447
    static let xmppC2S = 18222
    static let xmppHTTP = 18280
    static let stun = 18478
    static let udpSilent = 18000
    static let postgres = 18432

    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var directory: String { ProcessInfo.processInfo.environment["VIGIE_LAB_DIR"] ?? "/tmp/vigie-lab" }
    static var caFile: String { directory + "/ca.pem" }
    static var certificates: String { directory + "/certs" }

    private static let started = Task<Void, any Error> {
        let result = try await Shell.run(packageRoot.appendingPathComponent("Lab/lab.sh").path, ["up"])
        guard result.status == 0 else { throw LabError(message: "Lab/lab.sh up failed:\n\(result.output)") }
    }

    /// Brings the lab up once per test process.
    static func ready() async throws {
        try await started.value
    }

    struct LabError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// Runs a program and collects its exit status and output.
enum Shell {
    struct Result: Sendable {
        var status: Int32
        var output: String
        var standardError: String
    }

    static func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: String? = nil
    ) async throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-shell-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("out").path
        let err = scratch.appendingPathComponent("err").path
        var stdin = "/dev/null"
        if let input {
            stdin = scratch.appendingPathComponent("in").path
            try input.write(toFile: stdin, atomically: false, encoding: .utf8)
        }
        let child = try ChildProcess(
            program,
            arguments,
            environment: environment,
            stdin: stdin,
            stdout: out,
            stderr: err
        )
        var status: Int32?
        while status == nil {
            status = await child.waitForExit(timeout: .seconds(3600))
        }
        func read(_ path: String) -> String {
            (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        return Result(status: status ?? -1, output: read(out), standardError: read(err))
    }
}
