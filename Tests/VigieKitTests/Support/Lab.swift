import Foundation
import VigieKit

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
        try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            if let environment {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            }
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            let inputPipe = Pipe()
            process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
            let collected = OutputCollector()
            output.fileHandleForReading.readabilityHandler = { handle in collected.appendOut(handle.availableData) }
            errors.fileHandleForReading.readabilityHandler = { handle in collected.appendErr(handle.availableData) }
            process.terminationHandler = { process in
                output.fileHandleForReading.readabilityHandler = nil
                errors.fileHandleForReading.readabilityHandler = nil
                collected.appendOut(output.fileHandleForReading.readDataToEndOfFile())
                collected.appendErr(errors.fileHandleForReading.readDataToEndOfFile())
                continuation.resume(
                    returning: Result(status: process.terminationStatus, output: collected.out, standardError: collected.err)
                )
            }
            do {
                try process.run()
                if let input {
                    inputPipe.fileHandleForWriting.write(Data(input.utf8))
                    try? inputPipe.fileHandleForWriting.close()
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()

    func appendOut(_ data: Data) { lock.withLock { outData.append(data) } }
    func appendErr(_ data: Data) { lock.withLock { errData.append(data) } }
    var out: String { lock.withLock { String(decoding: outData, as: UTF8.self) } }
    var err: String { lock.withLock { String(decoding: errData, as: UTF8.self) } }
}
