public import struct Foundation.Date

/// The observation one run of one check produced.
public struct CheckResult: Sendable, Hashable {
    public var check: Check
    public var verdict: Verdict
    /// When the probe started.
    public var startedAt: Date
    /// Connect time for tcp, total time for http(s) and xmpp, round trip for stun; `nil` when nothing answered.
    public var latency: Duration?
    /// Why the check failed; `nil` when it passed.
    public var error: String?
    /// What needs attention although the check passed.
    public var warning: String?
    public var tcp: TCPReport?
    public var http: HTTPReport?
    public var tls: TLSReport?
    public var stun: STUNReport?
    public var udp: UDPReport?
    public var xmpp: XMPPReport?

    public init(check: Check, verdict: Verdict, startedAt: Date, latency: Duration? = nil, error: String? = nil) {
        self.check = check
        self.verdict = verdict
        self.startedAt = startedAt
        self.latency = latency
        self.error = error
    }

    /// Whether the check passed (a warning still passes).
    public var ok: Bool { verdict != .fail }

    /// Marks the result failed with `reason` (the first reason given is kept as the headline).
    package mutating func fail(_ reason: String) {
        verdict = .fail
        error = error.map { "\($0); \(reason)" } ?? reason
    }

    /// Adds a warning without failing.
    package mutating func warn(_ reason: String) {
        if verdict == .pass { verdict = .warn }
        warning = warning.map { "\($0); \(reason)" } ?? reason
    }
}
