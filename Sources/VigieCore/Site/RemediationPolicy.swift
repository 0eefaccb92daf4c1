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
    /// one of them as the program, "the command names the unit" would prove nothing. The rule does not
    /// rest on this list (a program of yours gets the unit as its only argument); it names the usual
    /// mistakes early.
    static let runners: Set<String> = [
        "sh", "bash", "dash", "zsh", "ksh", "mksh", "csh", "tcsh", "fish", "busybox", "toybox", "env", "sudo", "su",
        "doas",
        "runuser", "pkexec", "xargs", "nohup", "timeout", "nice", "ionice", "setsid", "chroot", "chrt", "taskset",
        "stdbuf",
        "unshare", "nsenter", "flock", "script", "expect", "watch", "time", "find", "awk", "gawk", "mawk", "sed",
        "perl",
        "ruby", "node", "nodejs", "php", "tclsh", "wish", "lua", "luajit", "python", "pypy", "ipython", "systemd-run",
        "systemd-nspawn", "ssh", "make", "socat", "nc", "ncat", "strace", "gdb", "parallel", "ash", "rbash", "osh",
        "yash",
        "elvish", "nu", "pwsh", "java", "jshell", "prlimit", "setpriv", "ld", "run-parts", "git", "vim", "vi", "nvim",
        "emacs", "sg", "newgrp", "ssh-agent", "fakeroot", "tar", "apt", "apt-get", "dpkg", "sqlite", "psql", "capsh",
        "guile", "sbcl", "rscript", "bwrap", "chpst", "start-stop-daemon", "faketime", "valgrind", "chronic", "ifne",
        "unbuffer", "tmux", "screen", "at", "batch", "crontab", "install", "cp", "mv", "dd", "tee", "ln", "rm",
    ]

    /// Why `command` may not restart `unit`, or `nil` when it may. The rule: an argument vector run without
    /// a shell, whose program is given by its absolute path (plain characters only), and which is either
    /// `systemctl restart|try-restart|reload-or-restart UNIT` (nothing else; the default), or a program of
    /// the administrator's — not a shell, an interpreter or a command runner — given exactly one argument,
    /// the unit (`UNIT` or `UNIT.service`): a restart script takes the unit and does the rest. No other
    /// argument is allowed, so that none can carry a command for the program to run.
    public static func refusal(of command: [String], unit: String) -> String? {
        guard let program = command.first, !program.isEmpty else { return "the command is empty" }
        if command.contains(where: { $0.contains("\0") }) { return "NUL byte in the command" }
        let units: Set<String> =
            unit.hasSuffix(".service") ? [unit, String(unit.dropLast(8))] : [unit, "\(unit).service"]
        let components = program.split(separator: "/", omittingEmptySubsequences: false)
        let name = components.last.map(String.init) ?? program
        guard program.hasPrefix("/") else {
            return "give the program by its absolute path (\(program) would be looked up in PATH)"
                + (name == "systemctl" ? ": /usr/bin/systemctl" : "")
        }
        let plain = program.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-/+".unicodeScalars.contains($0))
        }
        guard plain, !components.dropFirst().contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            return
                "the program's path may hold only letters, digits and . _ - + /, with no empty, '.' or '..' component"
        }
        if name == "systemctl" {
            guard command.count == 3, ["restart", "try-restart", "reload-or-restart"].contains(command[1]),
                units.contains(command[2])
            else {
                return
                    "systemctl may only be given `restart`, `try-restart` or `reload-or-restart` and the unit \"\(unit)\": [\(program), restart, \(unit)]"
            }
            return nil
        }
        let lower = name.lowercased()
        let family = String(lower.prefix { $0.isLetter || $0 == "-" })
        let letters = String(lower.prefix { $0.isLetter })
        if runners.contains(lower) || runners.contains(family) || runners.contains(letters) {
            return
                "\(name) runs whatever its arguments say: give a program that restarts the unit itself (systemctl, or a script of yours)"
        }
        guard command.count == 2, units.contains(command[1]) else {
            return
                "a program of yours is given exactly one argument, the service's unit \"\(unit)\": [\(program), \(unit)] (a restart script takes the unit and does the rest)"
        }
        return nil
    }
}
