import Foundation
import Testing

@testable import VigieKit

@Suite struct AlertmanagerPayloadTests {
    /// The shape Alertmanager 0.25 sends (its documented webhook format, version 4).
    static let firing = """
        {"receiver":"vigie","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"VigieProbeFailing","service":"web","severity":"critical"},\
        "annotations":{"summary":"web/tcp is failing"},"startsAt":"2026-11-24T23:30:00.123456789Z","endsAt":"0001-01-01T00:00:00Z",\
        "generatorURL":"http://127.0.0.1:9090/graph","fingerprint":"c0ffee0123456789"}],"groupLabels":{"alertname":"VigieProbeFailing"},\
        "commonLabels":{},"commonAnnotations":{},"externalURL":"http://127.0.0.1:9093","version":"4","groupKey":"{}:{}","truncatedAlerts":0}
        """

    @Test func decodesAFiringAlert() throws {
        let payload = try AlertmanagerPayload.decode(Array(Self.firing.utf8))
        #expect(payload.receiver == "vigie")
        let alert = try #require(payload.alerts.first)
        #expect(alert.firing)
        #expect(alert.fingerprint == "c0ffee0123456789")
        #expect(alert.name == "VigieProbeFailing")
        #expect(alert.service == "web")
        #expect(alert.incidentSeverity == .critical)
        #expect(alert.summary == "web/tcp is failing")
        #expect(alert.startsAt == RFC3339.parse("2026-11-24T23:30:00Z")!.addingTimeInterval(0.123456789))
    }

    @Test(arguments: [
        ("{", "malformed JSON"),
        ("[]", "the body is not a JSON object"),
        (#"{"alerts": []}"#, "missing \"version\""),
        (#"{"version": "3", "alerts": []}"#, "unsupported payload version \"3\" (Vigie reads version 4)"),
        (#"{"version": "4"}"#, "missing \"alerts\" list"),
        (#"{"version": "4", "alerts": [{"status": "pending", "labels": {"alertname": "x"}}]}"#, "alerts[0].status must be"),
        (#"{"version": "4", "alerts": [{"status": "firing", "labels": {}}]}"#, "alerts[0] has no alertname label"),
        (#"{"version": "4", "alerts": [1]}"#, "alerts[0] is not an object"),
    ])
    func refusesWhatIsNotAVersion4Payload(_ body: String, _ reason: String) {
        #expect {
            try AlertmanagerPayload.decode(Array(body.utf8))
        } throws: { error in
            "\(error)".hasPrefix(reason)
        }
    }

    @Test func withoutFingerprintTheLabelsKeyTheAlert() throws {
        let payload = try AlertmanagerPayload.decode(
            Array(#"{"version":"4","alerts":[{"status":"resolved","labels":{"b":"2","alertname":"X","a":"1"}}]}"#.utf8)
        )
        #expect(payload.alerts[0].fingerprint == "a=1,alertname=X,b=2")
        #expect(!payload.alerts[0].firing)
        #expect(payload.alerts[0].incidentSeverity == .major)
    }
}
