import ArgumentParser
import Foundation
import Logging
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

/// Which incident register a command reads: the site's PostgreSQL one, or the SQLite file of the data directory.
struct RegisterOptions: ParsableArguments {
    static let defaultSite = "/etc/vigie/vigie.yml"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The site file: its services, language and name, and its PostgreSQL register if any (default \(RegisterOptions.defaultSite) when it exists).",
            valueName: "file"
        )
    )
    var site: String?

    @Option(name: .long, help: ArgumentHelp("Where the SQLite incident register lives.", valueName: "dir"))
    var dataDir: String = Agent.Configuration.defaultDataDirectory

    @Option(
        name: .long,
        help: "The PostgreSQL client's own log lines from this level (trace, debug…); quiet by default."
    )
    var logLevel: Logger.Level?

    /// Who runs the command, for the audit log and the timeline.
    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "admin"
    }

    /// The site file in use: the one given, or the default when it exists.
    var sitePath: String? {
        site ?? (FileManager.default.fileExists(atPath: Self.defaultSite) ? Self.defaultSite : nil)
    }

    /// The site, for a command that needs it (`why`: what for, said when there is none); errors exit 2.
    func loadSite(for why: String) throws -> Site {
        guard let path = sitePath else {
            writeStandardError("error: \(why) needs the site file: give --site (there is no \(Self.defaultSite))\n")
            throw ExitCode(2)
        }
        do {
            return try SiteLoader.load(path: path)
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(2)
        }
    }

    /// `service` when the site declares it; else its error, with the names it has, and exit 2.
    func checkService(_ service: String, in site: Site) throws {
        guard site.service(named: service) == nil else { return }
        let names = site.services.map(\.name).sorted().joined(separator: ", ")
        writeStandardError(
            "error: the site \(PrintableText.escaped(site.name)) has no service \"\(PrintableText.escaped(service))\" (its services: \(names.isEmpty ? "none" : names))\n"
        )
        throw ExitCode(2)
    }

    /// Runs `body` with the register. `create`: make an SQLite register when there is none (commands that
    /// write); reading commands never do, so a mistyped `--data-dir` is an error. A wrong number, a missing
    /// register or a refused database login exits 2; the register being unreachable or failing exits 1.
    func withStore<T: Sendable>(create: Bool, _ body: @Sendable (any IncidentStore) async throws -> T) async throws -> T
    {
        var database: DatabaseConfiguration?
        if let path = sitePath {
            do {
                database = try SiteLoader.load(path: path, resolving: .databasePassword).incidents.database
            } catch {
                writeStandardError("error: \(error)\n")
                throw ExitCode(2)
            }
        }
        var logger = Logger(label: "vigie.incidents")
        logger.logLevel = logLevel ?? .critical
        do {
            if let database {
                return try await PostgresIncidentStore.withStore(database, logger: logger) { store in
                    try await body(store)
                }
            }
            return try await body(try SQLiteIncidentStore(dataDirectory: dataDir, create: create))
        } catch let error as IncidentStoreError {
            writeStandardError("error: \(error)\n")
            throw ExitCode(error.isUsageError ? 2 : 1)
        }
    }
}
