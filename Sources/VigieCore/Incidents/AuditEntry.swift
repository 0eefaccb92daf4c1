public import struct Foundation.Date

/// One line of the audit log (ISO/IEC 27001 logging): who did what, when, with what result.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    /// `vigie-watchdog`, `alertmanager`, or the user running the CLI.
    public var actor: String
    public var action: String
    public var target: String
    public var result: String

    public init(id: Int64 = 0, at: Date, actor: String, action: String, target: String, result: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.result = result
    }
}
