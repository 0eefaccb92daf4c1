/// The human form of a check run: one aligned line per check and a summary.
public struct CheckTable: Sendable {
    public var colour: Bool

    public init(colour: Bool) {
        self.colour = colour
    }

    public func render(_ report: CheckReport, elapsed: Duration? = nil) -> String {
        let header = ["SERVICE", "KIND", "TARGET", "VERDICT", "TIME", "DETAIL"]
        let rows = report.results.map { result in
            [
                result.check.service,
                result.check.kind.rawValue,
                result.check.targetDescription,
                result.verdict.rawValue.uppercased(),
                result.latency?.humanReadable ?? "-",
                detail(result),
            ]
        }
        // The verdict column is painted by the row's verdict.
        let table = TextTable(header: header, rows: rows).render { padded, row, column in
            guard let row, column == 3 else { return padded }
            return paint(padded, report.results[row].verdict)
        }
        var summary = "\(Plural.count(report.results.count, "check")): \(report.passed) passed"
        if report.warned > 0 { summary += ", \(report.warned) warning\(report.warned == 1 ? "" : "s")" }
        summary += ", \(report.failed) failed"
        if let elapsed { summary += " (\(elapsed.humanReadable))" }
        return table + "\n" + paint(summary, report.failed > 0 ? .fail : report.warned > 0 ? .warn : .pass) + "\n"
    }

    /// A short explanation: the reason for a failure, the key facts otherwise.
    func detail(_ result: CheckResult) -> String {
        if let error = result.error { return error }
        var parts: [String] = []
        if let warning = result.warning { parts.append(warning) }
        if let http = result.http {
            if let location = http.location, result.check.kind == .http, http.hops.count == 1 {
                parts.append("\(http.status) → \(location)")
            } else {
                parts.append("HTTP \(http.status)")
            }
            if http.hops.count > 1 { parts.append("\(http.hops.count - 1) redirect\(http.hops.count > 2 ? "s" : "")") }
            if http.hsts { parts.append("HSTS") }
        }
        if let tls = result.tls {
            if let version = tls.protocolVersion { parts.append(version) }
            parts.append("certificate \(tls.daysLeft) days left")
        }
        if let stun = result.stun {
            if let mapped = stun.mappedAddress { parts.append("mapped \(mapped)") }
            if let software = stun.software { parts.append(software) }
        }
        if let udp = result.udp {
            switch udp.state {
            case .openOrFiltered: parts.append("open or filtered (no ICMP port unreachable)")
            case .open: parts.append("open (answered)")
            default: parts.append(udp.state.rawValue)
            }
        }
        if let xmpp = result.xmpp {
            parts.append(
                xmpp.startTLSRequired ? "STARTTLS required" : xmpp.startTLS ? "STARTTLS offered" : "no STARTTLS"
            )
        }
        if let tcp = result.tcp, result.check.kind == .tcp { parts.append(tcp.state.rawValue) }
        return parts.joined(separator: ", ")
    }

    func paint(_ text: String, _ verdict: Verdict?) -> String {
        guard colour, let verdict else { return text }
        let code =
            switch verdict {
            case .pass: "32"
            case .warn: "33"
            case .fail: "31"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
