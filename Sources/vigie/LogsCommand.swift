import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Pseudonymise and purge the Jitsi host's logs (RGPD).",
        subcommands: [Anonymize.self, Purge.self]
    )

    struct Anonymize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace addresses, e-mails, JIDs, rooms, names, ICE credentials and tokens by keyed pseudonyms.",
            discussion: """
                Reads the files (standard input when none) and writes standard output, or rewrites each \
                file atomically with --in-place. Pseudonyms are SipHash-2-4 under keys derived from the \
                day's key in the key directory (logs.key_directory, --key-dir), so they are stable within a \
                day and cannot be linked across days; without a key directory, a random key for this run. \
                URL paths are rooms on the site's own host names (the site file's domain, --domain), in \
                request lines and in Referers.
                """
        )

        @Option(name: .long, help: ArgumentHelp("A site file (its logs: section).", valueName: "file")) var site:
            String?
        @Option(name: .long, help: ArgumentHelp("Directory of the daily keys.", valueName: "dir")) var keyDir: String?
        @Option(
            name: .long,
            help: ArgumentHelp(
                "A host name of the Jitsi site (its URLs' paths are rooms); the site file's domain is one.",
                valueName: "host"
            )
        )
        var domain: [String] = []
        @Flag(name: .long, help: "Keep the /24 and /48 network prefix of addresses.") var keepNetworkPrefix = false
        @Flag(name: .long, help: "Rewrite each file in place (atomically).") var inPlace = false
        @Argument(help: "Log files; standard input when none.") var files: [String] = []

        func validate() throws {
            if inPlace, files.isEmpty { throw ValidationError("--in-place needs files") }
        }

        func run() async throws {
            var settings = LogSettings()
            var hosts = domain.map { $0.lowercased() }
            if let site {
                do {
                    let loaded = try SiteLoader.load(path: site)
                    settings = loaded.logs
                    hosts.append(loaded.domain)
                } catch {
                    writeStandardError("error: \(error)\n")
                    throw ExitCode(2)
                }
            }
            var pseudonymizer: Pseudonymizer
            var rotationFailed = false
            if let directory = keyDir ?? settings.keyDirectory?.local {
                do {
                    let day = try LogKeyStore(directory: directory).dayKey(for: Date())
                    for failure in day.notDeleted {
                        writeStandardError(
                            "warning: cannot delete the earlier key \(failure): its pseudonyms stay linkable to today's until it is deleted\n"
                        )
                        rotationFailed = true
                    }
                    pseudonymizer = Pseudonymizer(
                        key: day.key,
                        keepNetworkPrefix: keepNetworkPrefix || settings.keepNetworkPrefix
                    )
                } catch {
                    writeStandardError("error: \(error)\n")
                    throw ExitCode(2)
                }
            } else {
                pseudonymizer = .random(keepNetworkPrefix: keepNetworkPrefix || settings.keepNetworkPrefix)
            }
            var anonymizer = LogAnonymizer(pseudonymizer: pseudonymizer, siteHosts: hosts)
            do {
                if files.isEmpty {
                    try LogStream.anonymize(
                        &anonymizer,
                        input: STDIN_FILENO,
                        output: STDOUT_FILENO,
                        name: "standard input"
                    )
                }
                for file in files {
                    if inPlace {
                        try LogFiles.anonymizeInPlace(file, with: &anonymizer)
                    } else {
                        try LogFiles.withOpenFile(file) { fd throws(LogStream.Failure) in
                            try LogStream.anonymize(&anonymizer, input: fd, output: STDOUT_FILENO, name: file)
                        }
                    }
                }
            } catch {
                writeStandardError("error: \(error)\n")
                throw ExitCode(1)
            }
            // The logs are pseudonymised; the rotation is not complete: said by the exit status too.
            if rotationFailed { throw ExitCode(1) }
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete rotated logs older than logs.retention_days in logs.directories (never elsewhere).",
            discussion: "Symlinks are never followed and '..' is refused; every deletion is logged to the audit log."
        )
        @OptionGroup var siteOptions: SiteOptions
        @Flag(name: .long, help: "List what would be deleted, delete nothing.") var dryRun = false
        @Option(name: .long, help: ArgumentHelp("The audit log's register.", valueName: "dir")) var dataDir: String =
            Agent.Configuration.defaultDataDirectory

        func run() async throws {
            let site = try siteOptions.load()
            guard !site.logs.directories.isEmpty else {
                writeStandardError("error: \(siteOptions.site): logs.directories is empty: nothing may be purged\n")
                throw ExitCode(2)
            }
            let plan = LogPurge(settings: site.logs).plan(now: Date())
            let shown = PrintableText.escaped
            for refusal in plan.refused {
                writeStandardError(
                    refusal.unenforced
                        ? "not enforced: \(shown(refusal.path)): \(refusal.reason)\n"
                        : "skipped \(shown(refusal.path)): \(refusal.reason)\n"
                )
            }
            let unenforced = plan.unenforced.count
            if dryRun {
                for file in plan.deletions {
                    writeStandardOutput("would delete \(shown(file.path)) (\(Plural.count(file.ageDays, "day")) old)\n")
                }
                writeStandardOutput(
                    "\(Plural.count(plan.deletions.count, "file")) would be deleted (retention \(Plural.count(site.logs.retentionDays, "day")))\n"
                )
                if unenforced > 0 { throw Self.notEnforced(unenforced) }
                return
            }
            let store: SQLiteIncidentStore
            do {
                store = try SQLiteIncidentStore(dataDirectory: dataDir)
            } catch {
                writeStandardError("error: \(error)\n")
                throw ExitCode(2)
            }
            let actor =
                ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"]
                ?? "admin"
            var failures = 0
            for file in plan.deletions {
                let result = LogPurge.delete(file)
                try await store.appendAudit(
                    AuditEntry(
                        at: Date(),
                        actor: actor,
                        action: "purge-log",
                        target: file.path,
                        result: result ?? "deleted"
                    )
                )
                if let result {
                    failures += 1
                    writeStandardError("cannot delete \(shown(file.path)): \(result)\n")
                } else {
                    writeStandardOutput("deleted \(shown(file.path)) (\(Plural.count(file.ageDays, "day")) old)\n")
                }
            }
            writeStandardOutput(
                "\(Plural.count(plan.deletions.count - failures, "file")) deleted (retention \(Plural.count(site.logs.retentionDays, "day")))\n"
            )
            if unenforced > 0 { throw Self.notEnforced(unenforced) }
            if failures > 0 { throw ExitCode(1) }
        }

        /// A directory of logs.directories where the retention does not hold is a failure, not a note.
        static func notEnforced(_ count: Int) -> ExitCode {
            writeStandardError(
                "error: the retention is not enforced in \(Plural.count(count, "directory", "directories")) (above)\n"
            )
            return ExitCode(1)
        }
    }
}
