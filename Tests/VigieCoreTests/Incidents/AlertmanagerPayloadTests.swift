import Foundation
import Testing

@testable import VigieCore
import VigieTestSupport

@Suite struct AlertmanagerPayloadTests {
    /// The shape Alertmanager 0.25 sends (its documented webhook format, version 4).

    @Test func decodesAFiringAlert() throws {
        let payload = try AlertmanagerPayload.decode(Array(AlertmanagerSamples.firing.utf8))
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
        (
            #"{"version": "4", "alerts": [{"status": "pending", "labels": {"alertname": "x"}}]}"#,
            "alerts[0].status must be"
        ),
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
