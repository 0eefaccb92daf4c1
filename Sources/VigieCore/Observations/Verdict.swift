/// The outcome of one check.
public enum Verdict: String, Sendable, Hashable, Comparable {
    /// The service answered as it should.
    case pass
    /// The service answered, but something needs attention soon (a certificate near expiry).
    case warn
    /// The service did not answer as it should.
    case fail

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        let order: [Verdict] = [.pass, .warn, .fail]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}
