public import ArgumentParser
import Foundation
import Logging
import NIOCore
import VigieKit
import VigieCore
import VigieRender
import VigieLogs

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the agent: scheduled checks, Jitsi statistics, a Prometheus exporter.",
        discussion: """
            Serves /metrics, /-/healthy, /-/ready and /api/v1/status. SIGTERM or SIGINT stops it \
            gracefully; SIGHUP reloads the site file (a bad file is refused and the old one kept).
            """
    )

    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Address and port to listen on.", valueName: "host:port"))
    var listen = "\(Agent.Configuration.defaultHost):\(Agent.Configuration.defaultPort)"

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .long, help: "How many probes and collections may run at once.")
    var concurrency: Int = ProbeEngine.defaultConcurrency

    @Option(name: .long, help: ArgumentHelp("Where the incident register lives (SQLite).", valueName: "dir"))
    var dataDir: String = Agent.Configuration.defaultDataDirectory

    @Flag(name: .long, help: "Log the restarts the watchdog would make instead of making them.")
    var dryRun = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Close a connection that sends no whole request head, or stays idle, this long (1s-10m).",
            valueName: "duration"
        )
    )
    var idleTimeout: String = DurationText.format(Agent.Configuration.defaultIdleTimeout)

    func validate() throws {
        guard case .success = Endpoint.parse(listen) else {
            throw ValidationError("--listen must be host:port (e.g. 127.0.0.1:9470), got \"\(listen)\"")
        }
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency must be between 1 and 1024")
        }
        guard let idle = DurationText.parse(idleTimeout), idle >= .seconds(1), idle <= .seconds(600) else {
            throw ValidationError("--idle-timeout must be a duration from 1s to 10m, got \"\(idleTimeout)\"")
        }
    }

    func run() async throws {
        Agent.raiseOpenFileLimit()
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let site = try siteOptions.load(resolving: .all)
        let endpoint = try Endpoint.parse(listen).get()
        let logger = Logger(label: "vigie.agent")
        let agent: Agent
        do {
            agent = try Agent(
                configuration: .init(
                    sitePath: siteOptions.site,
                    host: endpoint.host.bare,
                    port: endpoint.port,
                    concurrency: concurrency,
                    dataDirectory: dataDir,
                    dryRun: dryRun,
                    idleTimeout: DurationText.parse(idleTimeout) ?? Agent.Configuration.defaultIdleTimeout
                ),
                site: site,
                logger: logger
            )
        } catch {
            writeStandardError("error: \(error)\n")
            throw ExitCode(2)
        }
        for service in site.unwatchedServices {
            logger.warning(
                "service with no check and no collector: nothing watches it",
                metadata: ["vigie.service": "\(service)"]
            )
        }
        do {
            try await agent.run { channel in
                let address = channel.localAddress.map {
                    "\($0.ipAddress ?? endpoint.host.bare):\($0.port ?? endpoint.port)"
                }
                logger.notice(
                    "listening",
                    metadata: [
                        "vigie.metrics": "http://\(address ?? listen)/metrics",
                        "vigie.status": "http://\(address ?? listen)/api/v1/status",
                    ]
                )
            }
        } catch let error as IOError
            where error.errnoCode == EADDRINUSE || error.errnoCode == EADDRNOTAVAIL || error.errnoCode == EACCES
        {
            // NIO's `bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)` says neither which address nor what to do.
            let reason =
                switch error.errnoCode {
                case EADDRINUSE:
                    "the address is already in use (another `vigie serve`, or another program: `ss -ltnp 'sport = :\(endpoint.port)'` shows which)"
                case EADDRNOTAVAIL: "no interface of this host has that address"
                default: "permission denied (ports below 1024 need privileges)"
                }
            writeStandardError("error: cannot listen on \(listen): \(reason)\n")
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {
}
