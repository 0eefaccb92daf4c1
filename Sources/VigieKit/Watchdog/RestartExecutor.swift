public import Logging
import NIOHTTP1
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif
public import VigieCore

// The watchdog's hands: run the restart command (an argument vector, no shell) under a timeout,
// after draining a videobridge when the policy says so. Only the service's own, validated command
// is ever run; `--dry-run` logs what would run and runs nothing.

/// Restarts services for the watchdog.
public struct RestartExecutor: Sendable {
    public var dryRun: Bool
    public var logger: Logger
    /// For the drain API (the site's allowlist).
    public var context: ProbeContext
    /// How often to look at the bridge's conferences while draining.
    public var drainPollInterval: Duration

    public init(
        dryRun: Bool,
        context: ProbeContext,
        logger: Logger = Logger(label: "vigie.watchdog"),
        drainPollInterval: Duration = .seconds(5)
    ) {
        self.dryRun = dryRun
        self.context = context
        self.logger = logger
        self.drainPollInterval = drainPollInterval
    }

    /// Restarts `service` as its policy says.
    public func restart(_ service: Service, policy: RemediationPolicy) async -> RestartOutcome {
        var notes: [String] = []
        if let drain = policy.drain {
            if dryRun {
                notes.append("would drain \(drain.url)")
            } else {
                notes.append(await self.drain(drain))
            }
        }
        let commandLine = policy.command.joined(separator: " ")
        if dryRun {
            logger.notice(
                "dry run: would restart",
                metadata: ["vigie.service": "\(service.name)", "vigie.command": "\(commandLine)"]
            )
            return RestartOutcome(
                succeeded: true,
                detail: (notes + ["dry run: would run \(commandLine)"]).joined(separator: "; ")
            )
        }
        let outcome = await run(policy.command, timeout: policy.commandTimeout)
        return RestartOutcome(succeeded: outcome.succeeded, detail: (notes + [outcome.detail]).joined(separator: "; "))
    }

    /// Runs an argument vector with a timeout: SIGTERM at the timeout, SIGKILL 5 s later.
    public func run(_ command: [String], timeout: Duration) async -> RestartOutcome {
        guard let program = command.first else { return RestartOutcome(succeeded: false, detail: "empty command") }
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(5))]
        do {
            let result = try await Deadline.run(until: .now + timeout) { [options] in
                try await Subprocess.run(
                    executable,
                    arguments: Arguments(Array(command.dropFirst())),
                    platformOptions: options,
                    output: .string(limit: 16 * 1024),
                    error: .string(limit: 16 * 1024)
                )
            }
            guard let result else {
                return RestartOutcome(succeeded: false, detail: "timed out after \(DurationText.format(timeout))")
            }
            switch result.terminationStatus {
            case .exited(0):
                return RestartOutcome(succeeded: true, detail: "exit 0")
            case .exited(let code):
                let reason =
                    result.standardError.trimmingWhitespace().split(separator: "\n").last.map(String.init) ?? ""
                return RestartOutcome(
                    succeeded: false,
                    detail: "exit \(code)" + (reason.isEmpty ? "" : ": \(reason.prefix(200))")
                )
            case .signaled(let signal):
                return RestartOutcome(succeeded: false, detail: "killed by signal \(signal)")
            }
        } catch {
            return RestartOutcome(succeeded: false, detail: "cannot run \(program): \(error)")
        }
    }

    /// Puts the bridge in drain mode and waits until it has no conference, or the deadline.
    func drain(_ drain: RemediationPolicy.Drain) async -> String {
        let base = drain.url
        func url(_ path: String) -> HTTPURL {
            var url = base
            let prefix = base.requestTarget.hasSuffix("/") ? String(base.requestTarget.dropLast()) : base.requestTarget
            url.requestTarget = (prefix == "/" ? "" : prefix) + path
            return url
        }
        guard let target = try? context.allowlist.admit(base.endpoint, transport: .tcp) else {
            return "drain skipped: \(base.endpoint) is not declared"
        }
        let start = ContinuousClock.now
        let deadline = start + drain.deadline
        switch await HTTPFetcher.fetch(
            url("/colibri/drain/enable"),
            target: target,
            deadline: .now + .seconds(10),
            method: .POST
        ) {
        case .success(let exchange) where (200...299).contains(exchange.status):
            break
        case .success(let exchange):
            return "drain refused (HTTP \(exchange.status)), restarting anyway"
        case .failure:
            return "drain API unreachable, restarting anyway"
        }
        while ContinuousClock.now < deadline {
            if let conferences = await conferences(url("/metrics"), target: target), conferences == 0 {
                return
                    "drained in \(DurationText.format(.seconds(Int64((ContinuousClock.now - start).seconds.rounded()))))"
            }
            try? await Task.sleep(for: drainPollInterval)
        }
        return "drain deadline (\(DurationText.format(drain.deadline))) reached with conferences still running"
    }

    func conferences(_ url: HTTPURL, target: AdmittedEndpoint) async -> Double? {
        guard
            case .success(let exchange) = await HTTPFetcher.fetch(
                url,
                target: target,
                deadline: .now + .seconds(5),
                keepBody: true
            ),
            exchange.status == 200
        else { return nil }
        return PrometheusTextParser.parse(exchange.body).value("jitsi_jvb_conferences")
    }
}
