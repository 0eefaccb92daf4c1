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
    public static func systemctlRestart(_ unit: String) -> [String] { ["/usr/bin/systemctl", "restart", unit] }

    /// Programs that run whatever their other arguments say (shells, interpreters, command runners): with
    /// one of them as the program, "the command names the unit" would prove nothing.
    static let runners: Set<String> = [
        "sh", "bash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox", "env", "sudo", "su", "doas", "runuser",
        "pkexec", "xargs", "nohup", "timeout", "nice", "ionice", "setsid", "chroot", "chrt", "taskset", "stdbuf", "unshare",
        "nsenter", "flock", "script", "expect", "watch", "time", "find", "awk", "gawk", "mawk", "sed", "perl", "ruby", "node",
        "nodejs", "php", "tclsh", "wish", "lua", "luajit", "python", "python2", "python3", "pypy3", "systemd-run", "ssh", "make",
        "socat", "nc", "ncat", "strace", "gdb", "parallel", "ash", "rbash", "osh", "yash", "elvish", "nu", "pwsh", "java", "jshell",
    ]

    /// Why `command` may not restart `unit`, or `nil` when it may. The rule: an argument vector run without
    /// a shell, either `systemctl restart|try-restart|reload-or-restart UNIT` (its only arguments; the
    /// default), or a program of the administrator's given by absolute path, which is not a shell, an
    /// interpreter or a command runner, and which is given the unit (`UNIT` or `UNIT.service`) as one of
    /// its arguments.
    public static func refusal(of command: [String], unit: String) -> String? {
        guard let program = command.first, !program.isEmpty else { return "the command is empty" }
        if command.contains(where: { $0.contains("\0") }) { return "NUL byte in the command" }
        let name = program.split(separator: "/").last.map(String.init) ?? program
        let units: Set<String> = [unit, "\(unit).service"]
        if name == "systemctl" {
            guard program == "systemctl" || program.hasPrefix("/") else { return "give systemctl by name or by absolute path" }
            guard command.count == 3, ["restart", "try-restart", "reload-or-restart"].contains(command[1]), units.contains(command[2]) else {
                return "systemctl may only be given `restart`, `try-restart` or `reload-or-restart` and the unit \"\(unit)\": [systemctl, restart, \(unit)]"
            }
            return nil
        }
        let base = name.lowercased()
        let family = base.prefix { $0.isLetter || $0 == "-" }
        if runners.contains(base) || runners.contains(String(family)) {
            return "\(name) runs whatever its arguments say: give a program that restarts the unit itself (systemctl, or a script of yours)"
        }
        guard program.hasPrefix("/"), !program.split(separator: "/").contains(".."), !program.split(separator: "/").contains(".") else {
            return "give the program by its absolute path (\(program) would be looked up in PATH)"
        }
        guard command.dropFirst().contains(where: units.contains) else {
            return "the command must give the program the service's unit \"\(unit)\" as an argument: only that unit may be restarted"
        }
        return nil
    }
}
