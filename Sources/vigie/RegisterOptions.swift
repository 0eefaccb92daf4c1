import ArgumentParser
import Foundation
import VigieKit

/// Which incident register a command reads: the site's PostgreSQL one, or the SQLite file of the data directory.
struct RegisterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site file (to find a PostgreSQL register).", valueName: "file"))
    var site: String?

    @Option(name: .long, help: ArgumentHelp("Where the SQLite incident register lives.", valueName: "dir"))
    var dataDir: String = Agent.Configuration.defaultDataDirectory

    /// Who runs the command, for the audit log and the timeline.
    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["SUDO_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "admin"
    }

    /// Runs `body` with the register; errors print and exit with 2.
    func withStore<T: Sendable>(_ body: @Sendable (any IncidentStore) async throws -> T) async throws -> T {
        var database: DatabaseConfiguration?
        if let site {
            do {
                database = try SiteLoader.load(path: site, resolving: .databasePassword).incidents.database
            } catch {
                writeStandardError("error: \(error)\n")
                throw ExitCode(2)
            }
        }
        do {
            if let database {
                return try await PostgresIncidentStore.withStore(database) { store in try await body(store) }
            }
            return try await body(try SQLiteIncidentStore(dataDirectory: dataDir))
        } catch let error as IncidentStoreError {
            writeStandardError("error: \(error)\n")
            throw ExitCode(2)
        }
    }
}
