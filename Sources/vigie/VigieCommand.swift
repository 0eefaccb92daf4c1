import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

@main
struct VigieCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Supervise, maintain and document a self-hosted Jitsi Meet.",
        version: Vigie.version,
        subcommands: [
            CheckCommand.self, ServeCommand.self, IncidentCommand.self, WatchdogCommand.self, LogsCommand.self,
            ReportCommand.self, RenderCommand.self, ValidateCommand.self, PackageUnitsCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with 2 (not ArgumentParser's 64), as Vigie documents.
    static func main() async {
        do {
            var command = try parseAsRoot()
            // The agent's tasks on its event loops (Agent+Executor.swift), before it creates any.
            if command is ServeCommand { Agent.runTasksOnEventLoops() }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                writeStandardError(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Writes to standard error without buffering.
func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Writes to standard output without buffering.
func writeStandardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}
