import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// A child started with `posix_spawn` and reaped by polling `waitpid` on its own PID.
///
/// Foundation's `Process` relies on a process-wide SIGCHLD source; once swift-subprocess
/// (used by the watchdog's restart executor) has run in the same test process, that source
/// can miss terminations and `terminationHandler` never fires. Polling our own PID does not
/// depend on signal delivery, so the harness cannot hang on a child that has already ended.
final class ChildProcess: @unchecked Sendable {
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `program` with stdin/stdout/stderr bound to the given paths.
    init(
        _ program: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        stdin: String = "/dev/null",
        stdout: String,
        stderr: String
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        // The test process holds many sockets without close-on-exec (NIO listeners, probes in
        // flight); a child that inherited one would keep a "free" port bound after the test
        // closed it. Close everything above stderr, as Foundation's Process does.
        guard let closeFrom = Self.addCloseFrom else {
            throw SpawnError(description: "this C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34+)")
        }
        _ = closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal dispositions and an empty mask, whatever the test runner set.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var merged = ProcessInfo.processInfo.environment
        if let environment { merged.merge(environment) { $1 } }
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, program, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw SpawnError(description: "cannot start \(program): \(String(cString: strerror(rc)))")
        }
        pid = child
    }

    /// glibc 2.34+ has it, but its header only declares it under _GNU_SOURCE, which Swift's Glibc module does not set.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// The raw wait status once the child has ended, reaping it on first sight.
    private func poll() -> Int32? {
        lock.withLock {
            if let status { return status }
            var raw: Int32 = 0
            let rc = waitpid(pid, &raw, WNOHANG)
            if rc == pid {
                status = raw
            } else if rc < 0, errno == ECHILD {
                status = -1
            }
            return status
        }
    }

    var isRunning: Bool { poll() == nil }

    /// Exit code, or 128 + signal number when killed by a signal (the shell's convention).
    var exitCode: Int32? {
        guard let raw = poll() else { return nil }
        if raw == -1 { return -1 }
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the child to end, up to `timeout`; returns its exit code, or nil if it is still running.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        var pause = Duration.milliseconds(2)
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
        return exitCode
    }

    /// SIGTERM, then SIGKILL after `grace`; always reaps.
    func terminate(grace: Duration = .seconds(5)) async {
        signal(SIGTERM)
        if await waitForExit(timeout: grace) == nil {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(10))
        }
    }
}
