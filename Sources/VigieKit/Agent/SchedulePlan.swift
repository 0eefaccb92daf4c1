import HeapModule

/// The scheduler's decisions, with no clock and no task: which jobs start at a given instant, when
/// the loop must wake, and when a finished job is due again. The ``Scheduler`` runs it against its
/// clock; tests run it against simulated time.
///
/// Rules: jobs wait in a queue ordered by due time (the oldest due first, so that no job starves when
/// the site asks for more than `concurrency` allows); at most `concurrency` run at once; jobs due within
/// ``coalescing`` of the present start together (one wake-up, not one each); a job is queued again only
/// when it ends, so it never overlaps itself.
struct SchedulePlan<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    struct Due: Comparable, Sendable {
        var at: Instant
        /// The order it was queued in: of two jobs due at the same instant, the one queued first goes
        /// first (a tie broken by the job's index would always favour the first jobs of the site).
        var sequence: Int
        var index: Int

        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.at, lhs.sequence) < (rhs.at, rhs.sequence) }
    }

    /// How early a job may start to share a wake-up with others (well inside the ±5 % jitter).
    static var coalescing: Duration { .milliseconds(5) }

    let concurrency: Int
    /// Jobs started and not finished.
    private(set) var running = 0
    private var queue = Heap<Due>()
    private var queued = 0

    /// A plan of one job per interval, the first run of each `firstDelay(interval)` after `start`.
    init(intervals: [Duration], start: Instant, concurrency: Int, firstDelay: (Duration) -> Duration) {
        self.concurrency = max(1, concurrency)
        for (index, interval) in intervals.enumerated() {
            enqueue(index, at: start.advanced(by: firstDelay(interval)))
        }
    }

    /// The jobs to start at `now`, oldest due first, as many as there are free slots; they count as running.
    mutating func start(at now: Instant) -> [Int] {
        let horizon = now.advanced(by: Self.coalescing)
        var started: [Int] = []
        while running < concurrency, let next = queue.min, next.at <= horizon {
            _ = queue.removeMin()
            running += 1
            started.append(next.index)
        }
        return started
    }

    /// When the loop must wake if no job ends first: the earliest waiting job, while a slot is free.
    var wakeUp: Instant? { running < concurrency ? queue.min?.at : nil }

    /// A job ended and is due again at `nextAt`.
    mutating func finished(_ index: Int, nextAt: Instant) {
        running -= 1
        enqueue(index, at: nextAt)
    }

    /// A job ended and is not run again (it was cancelled with its generation).
    mutating func finished(_ index: Int) {
        running -= 1
    }

    private mutating func enqueue(_ index: Int, at instant: Instant) {
        queue.insert(Due(at: instant, sequence: queued, index: index))
        queued += 1
    }
}
