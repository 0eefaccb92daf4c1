import Testing

@testable import VigieKit

/// The scheduler's decisions as a pure plan, run against simulated time: no clock, no probe, no wait.
@Suite struct SchedulePlanTests {
    typealias Instant = ContinuousClock.Instant
    static let t0 = ContinuousClock.now

    /// Runs `plan` for `horizon` of simulated time, each job taking `duration(index)` and coming back
    /// `interval` after it started; returns every (job, start, end).
    static func simulate(
        _ plan: inout SchedulePlan<Instant>,
        intervals: [Duration],
        duration: (Int) -> Duration,
        horizon: Duration
    ) -> (runs: [(job: Int, start: Instant, end: Instant)], peak: Int) {
        var now = t0
        var inFlight: [(job: Int, start: Instant, end: Instant)] = []
        var runs: [(job: Int, start: Instant, end: Instant)] = []
        var peak = 0
        while now < t0 + horizon {
            for job in plan.start(at: now) {
                inFlight.append((job, now, now + duration(job)))
            }
            peak = max(peak, plan.running)
            #expect(plan.running == inFlight.count)
            // The next event: the first job to end, or the plan's wake-up.
            let nextEnd = inFlight.map(\.end).min()
            let next = [nextEnd, plan.wakeUp].compactMap { $0 }.min() ?? (t0 + horizon)
            now = max(now, next)
            for run in inFlight where run.end <= now {
                runs.append(run)
                plan.finished(run.job, nextAt: run.start + intervals[run.job])
            }
            inFlight.removeAll { $0.end <= now }
        }
        return (runs, peak)
    }

    /// Ten jobs of 600 ms every second with three slots: never more than three at once, and no job
    /// starves or falls behind (the oldest due job goes first, ties to the one queued first), although
    /// the demand is twice the capacity.
    @Test func concurrencyIsBoundedAndNoJobStarves() {
        let intervals = [Duration](repeating: .seconds(1), count: 10)
        var plan = SchedulePlan(intervals: intervals, start: Self.t0, concurrency: 3) { _ in .milliseconds(500) }
        let (runs, peak) = Self.simulate(
            &plan,
            intervals: intervals,
            duration: { _ in .milliseconds(600) },
            horizon: .seconds(20)
        )
        #expect(peak == 3)
        let perJob = Dictionary(grouping: runs, by: \.job).mapValues(\.count)
        #expect(perJob.count == 10, "every job ran: \(perJob)")
        // 20 s × 3 slots / 0.6 s = 100 runs shared by 10 jobs: each within one of the others.
        #expect(perJob.values.max()! - perJob.values.min()! <= 1, "\(perJob.sorted { $0.key < $1.key })")
        #expect(runs.count >= 95)
    }

    /// A job slower than its interval never overlaps itself: it starts again when it ends.
    @Test func aJobNeverOverlapsItself() {
        var plan = SchedulePlan(intervals: [.seconds(1)], start: Self.t0, concurrency: 4) { _ in .zero }
        let (runs, _) = Self.simulate(
            &plan,
            intervals: [.seconds(1)],
            duration: { _ in .milliseconds(1500) },
            horizon: .seconds(10)
        )
        #expect(runs.count >= 6)
        for (previous, next) in zip(runs, runs.dropFirst()) {
            #expect(next.start >= previous.end, "a run starts only after the previous one ended")
        }
    }

    /// A fast job runs once per interval, measured from its start.
    @Test func aFastJobRunsOncePerIntervalFromItsStart() {
        var plan = SchedulePlan(intervals: [.seconds(2)], start: Self.t0, concurrency: 1) { _ in .seconds(1) }
        let (runs, _) = Self.simulate(
            &plan,
            intervals: [.seconds(2)],
            duration: { _ in .milliseconds(100) },
            horizon: .seconds(9)
        )
        #expect(runs.map { $0.start - Self.t0 } == [1, 3, 5, 7].map { Duration.seconds($0) })
    }

    /// Jobs due within a few milliseconds of each other start at one wake-up; the wake-up is the
    /// earliest waiting job while a slot is free, and none while every slot is taken.
    @Test func wakeUpsAndCoalescing() {
        let delays: [Duration] = [.milliseconds(100), .milliseconds(102), .milliseconds(900)]
        var index = 0
        var plan = SchedulePlan(intervals: [.seconds(1), .seconds(1), .seconds(1)], start: Self.t0, concurrency: 2) {
            _ in
            defer { index += 1 }
            return delays[index]
        }
        #expect(plan.start(at: Self.t0).isEmpty)
        #expect(plan.wakeUp == Self.t0 + .milliseconds(100))
        #expect(plan.start(at: Self.t0 + .milliseconds(100)) == [0, 1], "2 ms apart: one wake-up")
        #expect(plan.wakeUp == nil, "both slots taken")
        plan.finished(0, nextAt: Self.t0 + .seconds(2))
        #expect(plan.wakeUp == Self.t0 + .milliseconds(900))
        plan.finished(1)
        #expect(plan.running == 0)
        #expect(plan.start(at: Self.t0 + .seconds(1)) == [2], "a cancelled job is not queued again")
        #expect(plan.wakeUp == Self.t0 + .seconds(2))
    }
}
