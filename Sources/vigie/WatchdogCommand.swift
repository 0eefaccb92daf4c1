import ArgumentParser
import Foundation
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct WatchdogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchdog",
        abstract: "Suspend or resume the watchdog's restarts of a service (for maintenance).",
        subcommands: [Hold.self, Release.self, Status.self, PolkitRuleCommand.self]
    )

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop restarting this service until released.")
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The service name in the site file.") var service: String

        func validate() throws { try WatchdogCommand.validateName(service) }

        func run() async throws {
            try await WatchdogCommand.set(service, held: true, register)
            writeStandardOutput("watchdog holds \(service): no restarts until `vigie watchdog release \(service)`\n")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let the watchdog restart this service again.")
        @OptionGroup var register: RegisterOptions
        @Argument(help: "The service name in the site file.") var service: String

        func validate() throws { try WatchdogCommand.validateName(service) }

        func run() async throws {
            try await WatchdogCommand.set(service, held: false, register)
            writeStandardOutput("watchdog released \(service)\n")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the services on hold.")
        @OptionGroup var register: RegisterOptions

        func run() async throws {
            let holds = try await register.withStore(create: false) { try await $0.holds() }
            // A shared register may hold names written by older versions: shown, not obeyed.
            writeStandardOutput(
                holds.isEmpty
                    ? "no service on hold\n" : holds.sorted().map { "\(PrintableText.escaped($0)): on hold\n" }.joined()
            )
        }
    }

    /// A service name as the site file writes them (nothing else can be a service of the site).
    static func validateName(_ service: String) throws {
        guard SiteLoader.isValidServiceName(service) else {
            throw ValidationError(
                "\"\(PrintableText.escaped(service))\" is not a service name (lower-case letters, digits, '-' and '_')"
            )
        }
    }

    /// Holds or releases a service of the site (a name the site does not have is refused: the real
    /// service would go on being restarted), with its audit entry in the same transaction.
    static func set(_ service: String, held: Bool, _ register: RegisterOptions) async throws {
        try register.checkService(service, in: try register.loadSite(for: "checking the service name"))
        let actor = register.actor
        let now = Date()
        // A release acts on an existing register only: a mistyped --data-dir must not "release" in a new empty one.
        let changed = try await register.withStore(create: held) { store -> Bool in
            let holds = try await store.holds()
            guard holds.contains(service) != held else { return false }
            try await store.setHold(
                service: service,
                held: held,
                at: now,
                by: actor,
                audit: AuditEntry(
                    at: now,
                    actor: actor,
                    action: held ? "hold" : "release",
                    target: service,
                    result: "ok"
                )
            )
            return true
        }
        if !changed {
            writeStandardOutput(
                held ? "watchdog already holds \(service)\n" : "\(service) was not on hold: nothing to release\n"
            )
            throw ExitCode(0)
        }
    }
}
