/// What a restart did, for the timeline and the audit log.
public struct RestartOutcome: Sendable, Hashable {
    public var succeeded: Bool
    /// `exit 0`, `exit 1: <stderr>`, `timed out after 60s`, `dry run`…
    public var detail: String
}
