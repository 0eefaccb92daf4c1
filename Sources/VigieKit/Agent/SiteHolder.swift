import Synchronization
public import VigieCore

/// The site in force, shared by the agent's services; SIGHUP replaces it, shutdown ends it.
///
/// Waiters are woken by a change of generation or by shutdown. A lock, not an actor, so that a
/// graceful-shutdown handler (which is synchronous) can end it.
public final class SiteHolder: Sendable {
    private struct State {
        var site: Site
        var generation = 0
        var isShutDown = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(site: Site) {
        state = Mutex(State(site: site))
    }

    /// The site in force and its generation.
    public var current: (generation: Int, site: Site) {
        state.withLock { ($0.generation, $0.site) }
    }

    public var isShutDown: Bool { state.withLock { $0.isShutDown } }

    /// Puts a new site in force and wakes every waiter.
    public func update(_ site: Site) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.site = site
            state.generation += 1
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Ends every wait: the agent is stopping.
    public func shutDown() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isShutDown = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns when the generation is no longer `generation`, at shutdown, or when the task is cancelled.
    public func waitForChange(after generation: Int) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != generation || state.isShutDown || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
