public import struct Foundation.Date
import VigieCore
import VigieLogs

/// What every probe shares: the allowlist, the clock and the source of randomness.
public struct ProbeContext: Sendable {
    /// The gate for redirects and any endpoint a probe discovers on its way.
    public var allowlist: Allowlist
    /// The wall clock, for timestamps and certificate validity.
    public var now: @Sendable () -> Date
    /// Fresh STUN transaction ids.
    public var transactionID: @Sendable () -> [UInt8]

    public init(
        allowlist: Allowlist,
        now: @escaping @Sendable () -> Date = { Date() },
        transactionID: @escaping @Sendable () -> [UInt8] = { (0..<12).map { _ in UInt8.random(in: 0...255) } }
    ) {
        self.allowlist = allowlist
        self.now = now
        self.transactionID = transactionID
    }
}
