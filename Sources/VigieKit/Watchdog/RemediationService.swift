public import ServiceLifecycle
import Synchronization
public import VigieCore

// The watchdog's restarts, run by a service of the agent's ServiceGroup rather than by untracked
// tasks. A restart (a bridge's drain first: minutes) runs beside the checks, and reports back — its
// audit entry and the incident's timeline line — when it ends. On graceful shutdown (SIGTERM) the
// service takes no new restart but finishes those in flight, each bounded by its command's timeout
// and its drain's deadline, so that an action begun is never left without its record; the group
// waits for it before the register closes.

/// Runs the watchdog's restarts, and finishes those in flight on graceful shutdown.
public final class RemediationService: ServiceLifecycle.Service, Sendable {
    /// One restart to run, and what to do with its outcome.
    public struct Request: Sendable {
        public var service: Service
        public var policy: RemediationPolicy
        /// What the restart may reach (its drain URL): the site in force when it was asked for; `nil`, the
        /// executor's own.
        public var context: ProbeContext? = nil
        public var report: @Sendable (RestartOutcome) async -> Void
    }

    public let executor: RestartExecutor
    private let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation
    private let state = Mutex(State())

    private struct State {
        var pending = 0
        var accepting = true
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public init(executor: RestartExecutor) {
        self.executor = executor
        (requests, continuation) = AsyncStream.makeStream(of: Request.self)
    }

    /// Queues a restart; `false` once the service is shutting down (the restart is not run).
    public func submit(_ request: Request) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard state.accepting else { return false }
            state.pending += 1
            return true
        }
        guard accepted else { return false }
        if case .terminated = continuation.yield(request) {
            finished()
            return false
        }
        return true
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await request in requests {
                    var executor = self.executor
                    if let context = request.context { executor.context = context }
                    group.addTask { [executor] in
                        let outcome = await executor.restart(request.service, policy: request.policy)
                        await request.report(outcome)
                        self.finished()
                    }
                }
                // The stream ends on graceful shutdown; the group waits for the restarts in flight.
            }
        } onGracefulShutdown: {
            self.stopAccepting()
        }
        // What was queued but never started (cancellation): released for `idle()`.
        stopAccepting()
    }

    /// Returns once no restart is queued or running.
    public func idle() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.pending == 0 { return true }
                state.idleWaiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    private func stopAccepting() {
        state.withLock { $0.accepting = false }
        continuation.finish()
    }

    private func finished() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.pending -= 1
            guard state.pending == 0 else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
