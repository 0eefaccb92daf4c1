public import struct Foundation.Date
import VigieCore

/// What every probe shares: the allowlist, the clock and the source of randomness.
public struct ProbeContext: Sendable {
    /// The gate for redirects and any endpoint a probe discovers on its way.
    public var allowlist: Allowlist
    /// The wall clock, for timestamps and certificate validity.
    public var now: @Sendable () -> Date
    /// Fresh STUN transaction ids.
    public var transactionID: @Sendable () -> [UInt8]
    /// The roots of https and xmpp checks, their `ca` files parsed once per site.
    public var trust: TrustStores

    public init(
        allowlist: Allowlist,
        trust: TrustStores = TrustStores(),
        now: @escaping @Sendable () -> Date = { Date() },
        transactionID: @escaping @Sendable () -> [UInt8] = { (0..<12).map { _ in UInt8.random(in: 0...255) } }
    ) {
        self.allowlist = allowlist
        self.trust = trust
        self.now = now
        self.transactionID = transactionID
    }
}
