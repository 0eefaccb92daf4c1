import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

@Suite struct LogPurgeTests {
    static let now = Date()

    /// A log tree: live logs, old and recent rotated ones, a link pointing outside, a nested directory.
    static func tree() throws -> (URL, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-purge-\(UUID())")
        let logs = root.appendingPathComponent("jitsi")
        let outside = root.appendingPathComponent("outside")
        for directory in [logs, logs.appendingPathComponent("old"), outside] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        func file(_ path: URL, ageDays: Double) throws {
            try "x\n".write(to: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes(
                [.modificationDate: now.addingTimeInterval(-ageDays * 86_400)],
                ofItemAtPath: path.path
            )
        }
        try file(logs.appendingPathComponent("jvb.log"), ageDays: 40)  // live: never deleted
        try file(logs.appendingPathComponent("jvb.log.1"), ageDays: 20)
        try file(logs.appendingPathComponent("jvb.log.2.gz"), ageDays: 30)
        try file(logs.appendingPathComponent("access.log-20261001.gz"), ageDays: 50)
        try file(logs.appendingPathComponent("jicofo.log.1"), ageDays: 3)  // too recent
        try file(logs.appendingPathComponent("old/prosody.log.4.gz"), ageDays: 60)
        try file(outside.appendingPathComponent("precious.log.1"), ageDays: 90)
        try FileManager.default.createSymbolicLink(
            at: logs.appendingPathComponent("linked.log.1"),
            withDestinationURL: outside.appendingPathComponent("precious.log.1")
        )
        return (root, logs)
    }

    @Test func plansOnlyOldRotatedFilesInside() throws {
        let (root, logs) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = LogPurge(settings: LogSettings(retentionDays: 14, directories: [logs.path])).plan(now: Self.now)
        let names = plan.deletions.map { String($0.path.dropFirst(logs.path.count + 1)) }
        #expect(names == ["access.log-20261001.gz", "jvb.log.1", "jvb.log.2.gz", "old/prosody.log.4.gz"])
        #expect(plan.refused.map(\.reason) == ["symbolic link, not followed"])
        #expect(plan.deletions.first { $0.path.hasSuffix("jvb.log.1") }?.ageDays == 20)

        for file in plan.deletions { #expect(LogPurge.delete(file) == nil) }
        let left = try FileManager.default.contentsOfDirectory(atPath: logs.path).sorted()
        #expect(left == ["jicofo.log.1", "jvb.log", "linked.log.1", "old"])
        #expect(
            FileManager.default.fileExists(atPath: root.appendingPathComponent("outside/precious.log.1").path),
            "the link's target is untouched"
        )
    }

    @Test func refusesLinkedOrClimbingDirectories() throws {
        let (root, logs) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let linkedDirectory = root.appendingPathComponent("via-link")
        try FileManager.default.createSymbolicLink(at: linkedDirectory, withDestinationURL: logs)
        let plan = LogPurge(
            settings: LogSettings(directories: [
                linkedDirectory.path, logs.path + "/../outside", root.appendingPathComponent("missing").path,
            ])
        )
        .plan(now: Self.now)
        #expect(plan.deletions.isEmpty)
        #expect(plan.refused.map(\.reason) == ["a symbolic link or not a directory", "'..' in the path", "not found"])
        #expect(plan.unenforced.count == 3)
    }

    /// Between the plan and the deletion, a service that owns the log directory swaps a directory for a
    /// link to somewhere else: the deletion does not follow it.
    @Test func aDirectorySwappedForALinkAfterThePlanIsNotFollowed() throws {
        let (root, logs) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = LogPurge(settings: LogSettings(retentionDays: 14, directories: [logs.path])).plan(now: Self.now)
        let nested = try #require(plan.deletions.first { $0.path.hasSuffix("old/prosody.log.4.gz") })
        let victim = root.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try "keep\n".write(to: victim.appendingPathComponent("prosody.log.4.gz"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: logs.appendingPathComponent("old"))
        try FileManager.default.createSymbolicLink(at: logs.appendingPathComponent("old"), withDestinationURL: victim)
        #expect(LogPurge.delete(nested) == "a directory on its path is now a link")
        #expect(FileManager.default.fileExists(atPath: victim.appendingPathComponent("prosody.log.4.gz").path))
        // And a planned file replaced by a link is not deleted either.
        let file = try #require(plan.deletions.first { $0.path.hasSuffix("/jvb.log.1") })
        try FileManager.default.removeItem(atPath: file.path)
        try FileManager.default.createSymbolicLink(
            atPath: file.path,
            withDestinationPath: victim.appendingPathComponent("prosody.log.4.gz").path
        )
        #expect(LogPurge.delete(file) == "no longer a regular file")
        #expect(FileManager.default.fileExists(atPath: file.path))
    }

    /// A declared directory where the retention cannot be enforced fails the command (exit 1), named:
    /// a link, a missing directory, one the purge cannot read.
    @Test func anUnenforcedDirectoryFailsTheCommand() async throws {
        let (root, logs) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let linked = root.appendingPathComponent("linked")
        try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: logs)
        let site = root.appendingPathComponent("vigie.yml")
        try "site: {name: s, domain: d.org}\nservices: {web: {}}\nlogs: {directories: [\(logs.path), \(linked.path)]}\n"
            .write(to: site, atomically: true, encoding: .utf8)
        let data = root.appendingPathComponent("data").path
        let dry = try await Shell.run(
            VigieCLITests.binary,
            ["logs", "purge", "--site", site.path, "--dry-run", "--data-dir", data]
        )
        #expect(dry.status == 1)
        #expect(
            dry.standardError.contains("not enforced: \(linked.path): a symbolic link or not a directory"),
            "\(dry.standardError)"
        )
        let real = try await Shell.run(
            VigieCLITests.binary,
            ["logs", "purge", "--site", site.path, "--data-dir", data]
        )
        #expect(real.status == 1)
        #expect(real.output.contains("4 files deleted"), "the enforceable directory is still purged")
        #expect(real.standardError.contains("error: the retention is not enforced in 1 directory"))

        // Unreadable: as an unprivileged user (root reads everything), a directory of mode 0700 owned by root.
        let closed = root.appendingPathComponent("closed")
        try FileManager.default.createDirectory(at: closed, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: closed.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let open = root.appendingPathComponent("open")
        try FileManager.default.createDirectory(at: open, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: open.path)
        try "site: {name: s, domain: d.org}\nservices: {web: {}}\nlogs: {directories: [\(closed.path)]}\n".write(
            to: site,
            atomically: true,
            encoding: .utf8
        )
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: site.path)
        let setpriv = try #require(Tools.find("setpriv"))
        let unreadable = try await Shell.run(
            setpriv,
            [
                "--reuid=nobody", "--regid=nogroup", "--clear-groups", VigieCLITests.binary, "logs", "purge", "--site",
                site.path, "--dry-run", "--data-dir", open.path,
            ]
        )
        #expect(unreadable.status == 1, "\(unreadable.standardError)")
        #expect(
            unreadable.standardError.contains("not enforced: \(closed.path): cannot be read: Permission denied"),
            "\(unreadable.standardError)"
        )
    }

    @Test(arguments: [
        ("jvb.log.1", true), ("jvb.log.12.gz", true), ("access.log-20261124", true), ("access.log-20261124.gz", true),
        ("syslog.7.xz", true), ("error.log.old", true), ("jvb.log", false), ("prosody.err", false), ("1", false),
        ("notes.txt", false),
    ])
    func rotationSuffixes(_ name: String, _ rotated: Bool) {
        #expect(LogPurge.isRotated(name) == rotated)
    }

    @Test func theCommandAuditsEachDeletion() async throws {
        let (root, logs) = try Self.tree()
        defer { try? FileManager.default.removeItem(at: root) }
        let site = root.appendingPathComponent("vigie.yml")
        try
            "site: {name: s, domain: d.org}\nservices: {web: {}}\nlogs: {retention_days: 14, directories: [\(logs.path)]}\n"
            .write(to: site, atomically: true, encoding: .utf8)
        let data = root.appendingPathComponent("data").path
        let dry = try await Shell.run(
            VigieCLITests.binary,
            ["logs", "purge", "--site", site.path, "--dry-run", "--data-dir", data]
        )
        #expect(dry.status == 0)
        #expect(dry.output.contains("4 files would be deleted (retention 14 days)"))
        #expect(
            FileManager.default.fileExists(atPath: logs.appendingPathComponent("jvb.log.1").path),
            "a dry run deletes nothing"
        )
        let real = try await Shell.run(
            VigieCLITests.binary,
            ["logs", "purge", "--site", site.path, "--data-dir", data]
        )
        #expect(real.status == 0, "\(real.standardError)")
        #expect(real.output.contains("4 files deleted"))
        #expect(real.standardError.contains("skipped \(logs.path)/linked.log.1: symbolic link, not followed"))
        let audit = try await SQLiteIncidentStore(dataDirectory: data).auditEntries(limit: 10)
        #expect(audit.filter { $0.action == "purge-log" && $0.result == "deleted" }.count == 4)

        try "site: {name: s, domain: d.org}\nservices: {web: {}}\n".write(to: site, atomically: true, encoding: .utf8)
        #expect(
            try await Shell.run(VigieCLITests.binary, ["logs", "purge", "--site", site.path, "--data-dir", data]).status
                == 2,
            "no directories: nothing may be purged"
        )
    }
}
