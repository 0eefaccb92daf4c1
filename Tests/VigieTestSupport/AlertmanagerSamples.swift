/// A webhook payload as Alertmanager 0.25 sends it (one firing alert), shared by the payload's and the endpoint's tests.
public enum AlertmanagerSamples {
    public static let firing = """
        {"receiver":"vigie","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"VigieProbeFailing","service":"web","severity":"critical"},\
        "annotations":{"summary":"web/tcp is failing"},"startsAt":"2026-11-24T23:30:00.123456789Z","endsAt":"0001-01-01T00:00:00Z",\
        "generatorURL":"http://127.0.0.1:9090/graph","fingerprint":"c0ffee0123456789"}],"groupLabels":{"alertname":"VigieProbeFailing"},\
        "commonLabels":{},"commonAnnotations":{},"externalURL":"http://127.0.0.1:9093","version":"4","groupKey":"{}:{}","truncatedAlerts":0}
        """
}
