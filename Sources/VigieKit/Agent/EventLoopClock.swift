import NIOCore
import NIOPosix

/// The continuous clock, whose sleeps are timers of NIO's event loops: with the agent's tasks on the
/// loops (Agent+Executor.swift), the scheduler wakes on its own thread; Swift's own sleep wakes on a
/// timer thread of its own and hands the task over, a thread switch per wake-up.
public struct EventLoopClock: Clock {
    public typealias Instant = ContinuousClock.Instant
    public typealias Duration = Swift.Duration

    public init() {}

    public var now: Instant { .now }
    public var minimumResolution: Duration { ContinuousClock().minimumResolution }

    /// Sleeps until `deadline` on the current event loop (any of NIO's when the caller is on none).
    ///
    /// - Throws: `CancellationError` when the task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let remaining = deadline - .now
        guard remaining > .zero else { return try Task.checkCancellation() }
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(remaining)) {}
        try await withTaskCancellationHandler {
            do {
                try await timer.futureResult.get()
            } catch {
                throw CancellationError()
            }
        } onCancel: {
            timer.cancel()
        }
    }
}
