/// How the watchdog may restart a service (the `remediation:` section of a service).
public struct RemediationPolicy: Sendable, Hashable {
    /// Consecutive failed runs of any of the service's checks before a restart.
    public var restartAfter: Int
    /// How long to wait after a restart before judging the service again.
    public var cooldown: Duration
    /// Restarts allowed per `window`; beyond it the watchdog stops and escalates.
    public var maxRestarts: Int
    public var window: Duration
    /// The argument vector that restarts the service (no shell); it must name the service's unit.
    public var command: [String]
    /// How long the command may run before it is killed.
    public var commandTimeout: Duration
    /// For Jitsi Videobridge: drain it first, then restart once it has no conference (or at the deadline).
    public var drain: Drain?

    public struct Drain: Sendable, Hashable {
        /// The bridge's private REST API (`http://127.0.0.1:8080`).
        public var url: HTTPURL
        /// The longest the watchdog waits for conferences to end.
        public var deadline: Duration

        public init(url: HTTPURL, deadline: Duration) {
            self.url = url
            self.deadline = deadline
        }
    }

    public init(
        restartAfter: Int = 3,
        cooldown: Duration = .seconds(120),
        maxRestarts: Int = 3,
        window: Duration = .seconds(3600),
        command: [String],
        commandTimeout: Duration = .seconds(60),
        drain: Drain? = nil
    ) {
        self.restartAfter = restartAfter
        self.cooldown = cooldown
        self.maxRestarts = maxRestarts
        self.window = window
        self.command = command
        self.commandTimeout = commandTimeout
        self.drain = drain
    }

    /// `systemctl restart <unit>`, the default command.
    public static func systemctlRestart(_ unit: String) -> [String] { ["systemctl", "restart", unit] }
}
