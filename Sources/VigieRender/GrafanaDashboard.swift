import VigieCore

/// The site's Grafana dashboard, built as data (not a template: a dashboard is a JSON document,
/// and writing it through the JSON writer is what keeps every query and title escaped).
///
/// Every panel reads Prometheus through the data source `vigie-prometheus` that the bundle's
/// provisioning file declares; the tests run each panel's query against a real Prometheus.

public enum GrafanaDashboard {
    public struct Panel: Sendable {
        public var title: String
        public var kind: String
        public var unit: String
        public var queries: [(expr: String, legend: String)]
        public var width: Int
        public var description: String
    }

    /// The panels, in reading order: service first, then Jitsi, then the host.
    public static func panels(plan: DeploymentPlan) -> [Panel] {
        [
            Panel(
                title: "Availability per service (24 h)",
                kind: "stat",
                unit: "percentunit",
                queries: [("min by (service) (avg_over_time(vigie_probe_success[24h]))", "{{service}}")],
                width: 12,
                description: "Share of probe runs that passed over the last day, worst check per service."
            ),
            Panel(
                title: "Checks failing now",
                kind: "stat",
                unit: "none",
                queries: [("count(vigie_probe_success == 0) or vector(0)", "failing")],
                width: 6,
                description: "Declared checks whose last run failed."
            ),
            Panel(
                title: "Open incidents",
                kind: "stat",
                unit: "none",
                queries: [("sum(vigie_incidents_open) or vector(0)", "open")],
                width: 6,
                description: "Incidents open in Vigie's register (NIS2 deadlines in `vigie incident list`)."
            ),
            Panel(
                title: "Probe latency",
                kind: "timeseries",
                unit: "s",
                queries: [("vigie_probe_duration_seconds", "{{service}} {{check}}")],
                width: 12,
                description: "How long each check's last run took."
            ),
            Panel(
                title: "Certificate days left",
                kind: "stat",
                unit: "d",
                queries: [
                    ("min by (service, check) (vigie_tls_certificate_expiry_seconds) / 86400", "{{service}} {{check}}")
                ],
                width: 12,
                description: "Below 14 days the CertificateExpiresSoon alert fires."
            ),
            Panel(
                title: "Conferences and participants",
                kind: "timeseries",
                unit: "none",
                queries: [
                    ("sum(vigie_jitsi_conferences{service=~\"\(bridgePattern(plan: plan))\"})", "conferences"),
                    ("sum(vigie_jitsi_participants{service=~\"\(bridgePattern(plan: plan))\"})", "participants"),
                ],
                width: 12,
                description: "As the bridges count them (Jicofo's counts are the same people)."
            ),
            Panel(
                title: "Bitrate through the bridge",
                kind: "timeseries",
                unit: "Bps",
                queries: [("sum by (direction) (vigie_jitsi_throughput_bytes_per_second)", "{{direction}}")],
                width: 12,
                description: "Media in and out, bytes per second."
            ),
            Panel(
                title: "Bridge stress",
                kind: "timeseries",
                unit: "none",
                queries: [("max by (service) (vigie_jitsi_stress_level)", "{{service}}")],
                width: 12,
                description: "Above 0.8 the bridge is overloaded (BridgeStressed)."
            ),
            Panel(
                title: "ICE failures",
                kind: "timeseries",
                unit: "percentunit",
                queries: [
                    (
                        "sum by (service) (increase(vigie_jitsi_ice_failed_total[10m])) / clamp_min(sum by (service) (increase(vigie_jitsi_ice_failed_total[10m])) + sum by (service) (increase(vigie_jitsi_ice_succeeded_total[10m])), 1)",
                        "{{service}}"
                    )
                ],
                width: 12,
                description: "Share of media connections that failed over 10 minutes (HighICEFailureRatio above 10 %)."
            ),
            Panel(
                title: "Host CPU",
                kind: "timeseries",
                unit: "percentunit",
                queries: [("1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))", "busy")],
                width: 8,
                description: "From node_exporter."
            ),
            Panel(
                title: "Host memory used",
                kind: "timeseries",
                unit: "percentunit",
                queries: [("1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "used")],
                width: 8,
                description: "From node_exporter."
            ),
            Panel(
                title: "Host network",
                kind: "timeseries",
                unit: "Bps",
                queries: [
                    ("sum(rate(node_network_receive_bytes_total{device!=\"lo\"}[5m]))", "received"),
                    ("sum(rate(node_network_transmit_bytes_total{device!=\"lo\"}[5m]))", "sent"),
                ],
                width: 8,
                description: "All interfaces but loopback."
            ),
            Panel(
                title: "Incidents",
                kind: "timeseries",
                unit: "none",
                queries: [("sum by (severity) (vigie_incidents_open)", "{{severity}}")],
                width: 24,
                description: "Open incidents over time, by severity."
            ),
        ]
    }

    /// The regular expression of the services whose collectors read a bridge.
    static func bridgePattern(plan: DeploymentPlan) -> String {
        plan.bridgeServices.isEmpty ? ".*" : plan.bridgeServices.joined(separator: "|")
    }

    public static func json(plan: DeploymentPlan) -> String {
        let datasource = JSONValue.object([("type", .string("prometheus")), ("uid", .string("vigie-prometheus"))])
        var x = 0
        var y = 0
        var rowHeight = 0
        var items: [JSONValue] = []
        for (index, panel) in panels(plan: plan).enumerated() {
            let height = panel.kind == "stat" ? 5 : 8
            if x + panel.width > 24 {
                x = 0
                y += rowHeight
                rowHeight = 0
            }
            let targets: [JSONValue] = panel.queries.enumerated().map { offset, query in
                .object([
                    ("datasource", datasource),
                    ("expr", .string(query.expr)),
                    ("legendFormat", .string(query.legend)),
                    ("refId", .string(String(UnicodeScalar(UInt8(65 + offset))))),
                ])
            }
            items.append(
                .object([
                    ("id", .integer(index + 1)),
                    ("type", .string(panel.kind)),
                    ("title", .string(panel.title)),
                    ("description", .string(panel.description)),
                    ("datasource", datasource),
                    (
                        "gridPos",
                        .object([
                            ("h", .integer(height)), ("w", .integer(panel.width)), ("x", .integer(x)),
                            ("y", .integer(y)),
                        ])
                    ),
                    (
                        "fieldConfig",
                        .object([("defaults", .object([("unit", .string(panel.unit))])), ("overrides", .array([]))])
                    ),
                    ("targets", .array(targets)),
                ])
            )
            x += panel.width
            rowHeight = max(rowHeight, height)
        }
        let dashboard = JSONValue.object([
            ("uid", .string(DeploymentPlan.resourceName("vigie-\(plan.resourceName)"))),
            ("title", .string("Vigie — \(plan.siteName) (\(plan.domain))")),
            ("tags", .array([.string("vigie"), .string("jitsi")])),
            ("timezone", .string("utc")),
            ("schemaVersion", .integer(39)),
            ("version", .integer(1)),
            ("editable", .bool(false)),
            ("refresh", .string("1m")),
            ("time", .object([("from", .string("now-24h")), ("to", .string("now"))])),
            ("panels", .array(items)),
        ])
        return dashboard.serialized(pretty: true) + "\n"
    }
}
