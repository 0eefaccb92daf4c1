import NIOCore
import NIOPosix

// Why the agent's tasks run on the event loops: a probe's socket is served by one of NIO's loop
// threads, and Swift's own pool is another set of threads; each connect, read and close then resumes
// its task on the other side, two thread hops and a wake-up per step, which at a few hundred probes a
// second was most of the agent's CPU. With NIO's loops as the global executor a task resumes where
// its I/O completed.

extension Agent {
    /// Makes NIO's event loops (the probes' and the HTTP server's) the executor of every task of the
    /// process. Call it once, from the main thread, before the agent creates any task (`vigie` does, for
    /// `serve`, right after parsing its arguments); a second call stops the process (NIO's rule).
    ///
    /// - Returns: whether it took effect (false where NIO cannot install it).
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
