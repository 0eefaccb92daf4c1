import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// Errors that say what happened, in the words of the administrator's problem.
@Suite struct CLIErrorMessageTests {
    /// A port another program holds: the address and what to do, not NIO's `bind(descriptor:ptr:bytes:)`.
    @Test func aBusyPortIsNamed() async throws {
        let port = try await TestServers.freePort(udp: false)
        let holder = try Daemon(
            "/usr/bin/env",
            ["python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1"],
            name: "port-holder"
        )
        defer { holder.signal(SIGKILL) }
        #expect(
            await LoopbackHTTP.eventually(timeout: .seconds(60)) {
                try await LoopbackHTTP.get("http://127.0.0.1:\(port)/").status == 200
            }
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-busy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = directory.appendingPathComponent("vigie.yml").path
        try
            "site: {name: t, domain: meet.example.org}\nservices:\n  web:\n    checks:\n      - tcp: 127.0.0.1:\(port)\n"
            .write(toFile: site, atomically: true, encoding: .utf8)
        let result = try await Shell.run(
            VigieCLITests.binary,
            ["serve", "--site", site, "--listen", "127.0.0.1:\(port)", "--data-dir", directory.path + "/data"]
        )
        #expect(result.status == 1)
        #expect(
            result.standardError.contains("error: cannot listen on 127.0.0.1:\(port): the address is already in use"),
            "\(result.standardError)"
        )
        #expect(!result.standardError.contains("bind(descriptor"))
    }

    /// A service nothing watches is accepted (incidents may be filed against it) but said.
    @Test func anUnwatchedServiceIsSaid() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-unwatched-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let site = directory.appendingPathComponent("vigie.yml").path
        try
            "site: {name: t, domain: meet.example.org}\nservices:\n  web:\n    checks:\n      - tcp: 127.0.0.1:443\n  turn: {}\n"
            .write(toFile: site, atomically: true, encoding: .utf8)
        let result = try await Shell.run(VigieCLITests.binary, ["validate", "--site", site])
        #expect(result.status == 0)
        #expect(result.standardError == "warning: service turn has no check and no collector: nothing watches it\n")
    }
}
