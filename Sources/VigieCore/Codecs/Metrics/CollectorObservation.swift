public import struct Foundation.Date

/// The outcome of one collection from one Jitsi source.
public struct CollectorObservation: Sendable, Hashable {
    public var collector: Collector
    public var collectedAt: Date
    public var duration: Duration
    public var result: Result<JitsiStats, CollectorFailure>

    public init(
        collector: Collector,
        collectedAt: Date,
        duration: Duration,
        result: Result<JitsiStats, CollectorFailure>
    ) {
        self.collector = collector
        self.collectedAt = collectedAt
        self.duration = duration
        self.result = result
    }

    public var isUp: Bool {
        if case .success = result { return true }
        return false
    }

    public var stats: JitsiStats? { try? result.get() }
}
