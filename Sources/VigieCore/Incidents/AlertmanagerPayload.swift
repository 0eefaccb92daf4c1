public import struct Foundation.Date

// Alertmanager's webhook body, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config),
// read with the tolerant JSON reader. Only what an incident needs is kept; anything else is ignored.

/// One webhook call from Alertmanager.
public struct AlertmanagerPayload: Sendable, Hashable {
    public struct Alert: Sendable, Hashable {
        public var firing: Bool
        public var fingerprint: String
        public var name: String
        public var service: String?
        public var severity: String?
        public var summary: String?
        public var startsAt: Date?
        public var endsAt: Date?
    }

    public var receiver: String
    public var alerts: [Alert]

    /// Why a body was refused (sent back as the 400 answer).
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    public static func decode(_ bytes: [UInt8]) throws(Invalid) -> AlertmanagerPayload {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw Invalid(description: "malformed JSON: \(error)")
        }
        guard case .object = json else { throw Invalid(description: "the body is not a JSON object") }
        guard case .string(let version)? = json["version"] else { throw Invalid(description: "missing \"version\"") }
        guard version == "4" else {
            throw Invalid(description: "unsupported payload version \"\(version)\" (Vigie reads version 4)")
        }
        guard case .array(let items)? = json["alerts"] else { throw Invalid(description: "missing \"alerts\" list") }
        var alerts: [Alert] = []
        for (index, item) in items.enumerated() {
            guard case .object = item else { throw Invalid(description: "alerts[\(index)] is not an object") }
            guard case .string(let status)? = item["status"], status == "firing" || status == "resolved" else {
                throw Invalid(description: "alerts[\(index)].status must be \"firing\" or \"resolved\"")
            }
            guard case .object(let labelPairs)? = item["labels"] else {
                throw Invalid(description: "alerts[\(index)].labels is missing")
            }
            var labels: [String: String] = [:]
            for (key, value) in labelPairs { if case .string(let text) = value { labels[key] = text } }
            guard let name = labels["alertname"], !name.isEmpty else {
                throw Invalid(description: "alerts[\(index)] has no alertname label")
            }
            let fingerprint: String
            if case .string(let given)? = item["fingerprint"], !given.isEmpty {
                fingerprint = given
            } else {
                // Older senders: a stable key from the sorted labels.
                fingerprint = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
            var summary: String?
            if case .string(let text)? = item["annotations"]?["summary"] { summary = text }
            func date(_ key: String) -> Date? {
                if case .string(let text)? = item[key] { return RFC3339.parseFractional(text) }
                return nil
            }
            alerts.append(
                Alert(
                    firing: status == "firing",
                    fingerprint: fingerprint,
                    name: name,
                    service: labels["service"],
                    severity: labels["severity"],
                    summary: summary,
                    startsAt: date("startsAt"),
                    endsAt: date("endsAt")
                )
            )
        }
        var receiver = ""
        if case .string(let text)? = json["receiver"] { receiver = text }
        return AlertmanagerPayload(receiver: receiver, alerts: alerts)
    }
}

extension AlertmanagerPayload.Alert {
    /// The incident severity for Alertmanager's `severity` label.
    public var incidentSeverity: Incident.Severity {
        switch severity?.lowercased() {
        case "critical", "page", "error": return .critical
        case "info", "none": return .minor
        default: return .major
        }
    }
}
