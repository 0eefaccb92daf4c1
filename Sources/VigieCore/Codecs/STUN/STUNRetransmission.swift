/// When to (re)send a STUN request over UDP, as RFC 5389 §7.2.1 says.
///
/// The request goes out at 0, RTO, 3·RTO, 7·RTO… (the interval doubles), at most `count` times;
/// after the last one the client waits `lastWaitFactor`·RTO. The schedule is cut to the probe's
/// timeout, so a short timeout sends fewer requests rather than waiting longer.
public struct STUNRetransmission: Sendable, Hashable {
    public var rto: Duration
    public var count: Int
    public var lastWaitFactor: Int

    public init(rto: Duration = .milliseconds(500), count: Int = 7, lastWaitFactor: Int = 16) {
        self.rto = rto
        self.count = count
        self.lastWaitFactor = lastWaitFactor
    }

    /// Offsets from the start at which to send, all strictly inside `timeout`.
    public func sendOffsets(within timeout: Duration) -> [Duration] {
        var offsets: [Duration] = []
        var at = Duration.zero
        var interval = rto
        for _ in 0..<count {
            guard at < timeout else { break }
            offsets.append(at)
            at += interval
            interval *= 2
        }
        return offsets
    }

    /// How long a full transaction lasts without an answer (39.5 s with the defaults).
    public var transactionTimeout: Duration {
        var total = Duration.zero
        var interval = rto
        for _ in 0..<(count - 1) {
            total += interval
            interval *= 2
        }
        return total + rto * lastWaitFactor
    }
}
