import Foundation
import Synchronization
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// A network namespace the test creates (a test host of its own), with loopback up.
///
/// Nothing touches the machine's own namespace: veth pairs are created directly between two
/// test namespaces, rulesets are applied inside them, and `delete()` removes everything.
final class NetworkNamespace: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let name: String
    private static let counter = Mutex(0)
    static let ip = "/usr/sbin/ip"

    private init(name: String) {
        self.name = name
    }

    /// A new namespace named `vg<pid><n><tag>` (short: interface names derive from it).
    static func create(_ tag: String) async throws -> NetworkNamespace {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let namespace = NetworkNamespace(name: "vg\(getpid() % 100_000)n\(number)\(tag)")
        try await check(Shell.run(ip, ["netns", "add", namespace.name]), "ip netns add \(namespace.name)")
        try await check(
            Shell.run(ip, ["-n", namespace.name, "link", "set", "lo", "up"]),
            "loopback up in \(namespace.name)"
        )
        return namespace
    }

    /// Joins `a` and `b` with a veth pair and gives each end its address (`10.231.1.1/24`).
    static func link(_ a: NetworkNamespace, _ aAddress: String, _ b: NetworkNamespace, _ bAddress: String) async throws
    {
        let number = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let aEnd = "va\(getpid() % 10_000)x\(number)"
        let bEnd = "vb\(getpid() % 10_000)x\(number)"
        try await check(
            Shell.run(ip, ["-n", a.name, "link", "add", aEnd, "type", "veth", "peer", "name", bEnd, "netns", b.name]),
            "veth \(aEnd)"
        )
        try await check(Shell.run(ip, ["-n", a.name, "addr", "add", aAddress, "dev", aEnd]), "address \(aAddress)")
        try await check(Shell.run(ip, ["-n", b.name, "addr", "add", bAddress, "dev", bEnd]), "address \(bAddress)")
        try await check(Shell.run(ip, ["-n", a.name, "link", "set", aEnd, "up"]), "up \(aEnd)")
        try await check(Shell.run(ip, ["-n", b.name, "link", "set", bEnd, "up"]), "up \(bEnd)")
    }

    /// Runs `program` inside the namespace.
    func run(
        _ program: String,
        _ arguments: [String],
        environment: [String: String]? = nil
    ) async throws -> Shell.Result {
        try await Shell.run(Self.ip, ["netns", "exec", name, program] + arguments, environment: environment)
    }

    /// Starts a long-running `program` inside the namespace (`ip netns exec` execs it: the PID is the program's).
    func daemon(
        _ program: String,
        _ arguments: [String],
        name daemonName: String,
        environment: [String: String]? = nil
    ) throws -> Daemon {
        try Daemon(Self.ip, ["netns", "exec", name, program] + arguments, name: daemonName, environment: environment)
    }

    func delete() async {
        _ = try? await Shell.run(Self.ip, ["netns", "delete", name])
    }

    private static func check(_ result: Shell.Result, _ what: String) throws {
        guard result.status == 0 else { throw Failure(description: "\(what): \(result.standardError)") }
    }
}
