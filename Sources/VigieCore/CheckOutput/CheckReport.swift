public import struct Foundation.Date

/// The outcome of one `vigie check` run: every result, and the counts.
public struct CheckReport: Sendable {
    public var site: String
    public var checkedAt: Date
    public var results: [CheckResult]

    public init(site: String, checkedAt: Date, results: [CheckResult]) {
        self.site = site
        self.checkedAt = checkedAt
        self.results = results
    }

    public var passed: Int { results.filter { $0.verdict == .pass }.count }
    public var warned: Int { results.filter { $0.verdict == .warn }.count }
    public var failed: Int { results.filter { $0.verdict == .fail }.count }

    /// 0 when every check passed (warnings included), 1 otherwise: the exit status of `vigie check`.
    public var exitStatus: Int32 { failed == 0 ? 0 : 1 }

    public var json: JSONValue {
        .object([
            ("site", .string(site)),
            ("checked_at", .string(RFC3339.format(checkedAt))),
            (
                "summary",
                .object([
                    ("total", .integer(results.count)),
                    ("passed", .integer(passed)),
                    ("warned", .integer(warned)),
                    ("failed", .integer(failed)),
                ])
            ),
            ("results", .array(results.map(\.json))),
        ])
    }
}
