import Testing

@testable import VigieKit

/// The agent's clock: the continuous clock, sleeping on NIO's event loops.
@Suite struct EventLoopClockTests {
    @Test func sleepsUntilTheDeadlineAndNotLess() async throws {
        let clock = EventLoopClock()
        let start = clock.now
        try await clock.sleep(until: start.advanced(by: .milliseconds(50)), tolerance: nil)
        #expect(clock.now - start >= .milliseconds(50))
        // A deadline already past returns at once.
        try await clock.sleep(until: start, tolerance: nil)
    }

    @Test func cancellationEndsTheSleepWithCancellationError() async throws {
        let clock = EventLoopClock()
        let start = ContinuousClock.now
        let sleeper = Task { try await clock.sleep(for: .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(ContinuousClock.now - start < .seconds(30), "the sleep ended with its task, not at its deadline")
        // Already cancelled: no timer is waited on.
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(60))
        }
        await #expect(throws: CancellationError.self) { try await cancelled.value }
    }
}
