import Foundation
public import VigieCore

/// Turns a site file into the deployment bundle. Deterministic: the same site file (and the same
/// Vigie version) gives byte-identical files — no dates, no random values, no map ordering.
public struct BundleRenderer: Sendable {
    public var site: Site
    /// The site file's own text, copied into the bundle as the host's `/etc/vigie/vigie.yml`.
    public var siteFileText: String
    public var layout: InstallLayout

    public init(site: Site, siteFileText: String, layout: InstallLayout = .standard) {
        self.site = site
        self.siteFileText = siteFileText
        self.layout = layout
    }

    /// The files the Jitsi host itself receives (and cloud-init carries), bundle path → install path.
    static let hostFiles: [HostFile] = [
        HostFile("vigie/vigie.yml", DeploymentPlan.siteFilePath, "0640", "the site file `vigie serve` reads"),
        HostFile(
            "nftables/vigie.nft",
            "/etc/vigie/vigie.nft",
            "0644",
            "the host firewall (nftables, table inet vigie)"
        ),
        HostFile(
            "nftables/media-port.sh",
            "/usr/local/sbin/vigie-media-port",
            "0755",
            "opens and closes the media port"
        ),
        HostFile("prometheus/prometheus.yml", "/etc/prometheus/prometheus.yml", "0644", "Prometheus's jobs"),
        HostFile(
            "prometheus/rules/vigie-alerts.yml",
            "/etc/prometheus/rules/vigie-alerts.yml",
            "0644",
            "the alert rules"
        ),
        HostFile("prometheus/blackbox.yml", "/etc/prometheus/blackbox.yml", "0644", "blackbox_exporter's modules"),
        HostFile(
            "prometheus/alertmanager.yml",
            "/etc/prometheus/alertmanager.yml",
            "0644",
            "Alertmanager's routes: Vigie's webhook, e-mail"
        ),
        HostFile("defaults/prometheus", "/etc/default/prometheus", "0644", "Prometheus on loopback"),
        HostFile(
            "defaults/prometheus-alertmanager",
            "/etc/default/prometheus-alertmanager",
            "0644",
            "Alertmanager on loopback"
        ),
        HostFile(
            "defaults/prometheus-blackbox-exporter",
            "/etc/default/prometheus-blackbox-exporter",
            "0644",
            "blackbox_exporter on loopback"
        ),
        HostFile(
            "defaults/prometheus-node-exporter",
            "/etc/default/prometheus-node-exporter",
            "0644",
            "node_exporter on loopback"
        ),
        HostFile(
            "logrotate/vigie-jitsi",
            "/etc/logrotate.d/vigie-jitsi",
            "0644",
            "log rotation with the site's retention"
        ),
        HostFile(
            "systemd/vigie-logs-purge.service.d/vigie-site.conf",
            "/etc/systemd/system/vigie-logs-purge.service.d/vigie-site.conf",
            "0644",
            "the site's log directories for the package's log purge"
        ),
        HostFile(
            "certbot/deploy-hook.sh",
            "/etc/letsencrypt/renewal-hooks/deploy/vigie-nginx.sh",
            "0755",
            "installs each new certificate and reloads nginx"
        ),
        HostFile(
            "certbot/obtain-certificate.sh",
            "/usr/local/sbin/vigie-obtain-certificate",
            "0755",
            "the first Let's Encrypt certificate"
        ),
        HostFile(
            "scripts/test_service_nc.sh",
            "/usr/local/sbin/test_service_nc.sh",
            "0755",
            "`nc -vz` on exactly the declared endpoints"
        ),
        HostFile(
            "scripts/restart_monitoring.sh",
            "/usr/local/sbin/restart_monitoring.sh",
            "0755",
            "checks and restarts the monitoring stack"
        ),
    ]

    public func render() throws(RenderError) -> RenderedBundle {
        let plan = try DeploymentPlan(site: site)
        let templates = try TemplateLibrary.shared.get()
        let context = BundleContext(plan: plan, layout: layout)
        var files: [BundleFile] = []
        func add(_ path: String, _ template: String, executable: Bool = false) throws(RenderError) {
            files.append(
                BundleFile(path: path, contents: try templates.render(template, context), executable: executable)
            )
        }
        try add("README.md", "bundle/README.md")
        try add("README_monitoring.md", "bundle/README_monitoring.md")
        files.append(
            BundleFile(
                path: "vigie/vigie.yml",
                contents: siteFileText.hasSuffix("\n") ? siteFileText : siteFileText + "\n"
            )
        )
        try add("nginx/\(plan.domain).conf", "nginx/site.conf")
        try add("certbot/deploy-hook.sh", "certbot/deploy-hook.sh", executable: true)
        try add("certbot/obtain-certificate.sh", "certbot/obtain-certificate.sh", executable: true)
        try add("nftables/vigie.nft", "nftables/vigie.nft")
        try add("nftables/media-port.sh", "nftables/media-port.sh", executable: true)
        try add("prometheus/prometheus.yml", "prometheus/prometheus.yml")
        try add("prometheus/rules/vigie-alerts.yml", "prometheus/vigie-alerts.yml")
        try add("prometheus/tests/vigie-alerts.test.yml", "prometheus/vigie-alerts.test.yml")
        try add("prometheus/blackbox.yml", "prometheus/blackbox.yml")
        try add("prometheus/alertmanager.yml", "prometheus/alertmanager.yml")
        try add("defaults/prometheus", "defaults/prometheus")
        try add("defaults/prometheus-alertmanager", "defaults/prometheus-alertmanager")
        try add("defaults/prometheus-blackbox-exporter", "defaults/prometheus-blackbox-exporter")
        try add("defaults/prometheus-node-exporter", "defaults/prometheus-node-exporter")
        files.append(BundleFile(path: "grafana/dashboards/vigie.json", contents: GrafanaDashboard.json(plan: plan)))
        try add("grafana/provisioning/dashboards/vigie.yml", "grafana/dashboards-provider.yml")
        try add("grafana/provisioning/datasources/prometheus.yml", "grafana/datasource.yml")
        try add("logrotate/vigie-jitsi", "logrotate/vigie-jitsi")
        // The units themselves come with the package (SystemdUnits); the site changes only this.
        try add("systemd/vigie-logs-purge.service.d/vigie-site.conf", "systemd/vigie-logs-purge-site.conf")
        try add("scripts/test_service_nc.sh", "scripts/test_service_nc.sh", executable: true)
        try add("scripts/restart_monitoring.sh", "scripts/restart_monitoring.sh", executable: true)
        try add("provision.sh", "provision/provision.sh", executable: true)
        switch plan.provider {
        case .gcp:
            for name in ["versions.tf", "variables.tf", "main.tf", "outputs.tf"] {
                try add("terraform/\(name)", "terraform/gcp/\(name)")
            }
        case .infomaniak:
            for name in ["versions.tf", "variables.tf", "main.tf", "outputs.tf"] {
                try add("terraform/\(name)", "terraform/infomaniak/\(name)")
            }
        case .manual:
            break
        }
        // cloud-init carries the host's files and runs the same provision.sh.
        let byPath = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) })
        var carried: [CloudInitFile] = []
        for entry in Self.hostFiles {
            guard let file = byPath[entry.source] else { continue }
            carried.append(
                try CloudInitFile(
                    path: "/opt/vigie-bundle/\(entry.source)",
                    permissions: entry.mode,
                    content: file.contents
                )
            )
        }
        if let nginx = byPath["nginx/\(plan.domain).conf"] {
            carried.append(
                try CloudInitFile(
                    path: "/opt/vigie-bundle/nginx/\(plan.domain).conf",
                    permissions: "0644",
                    content: nginx.contents
                )
            )
        }
        if let provision = byPath["provision.sh"] {
            carried.append(
                try CloudInitFile(
                    path: "/opt/vigie-bundle/provision.sh",
                    permissions: "0755",
                    content: provision.contents
                )
            )
        }
        carried.sort { $0.path < $1.path }
        files.append(
            BundleFile(
                path: "cloud-init/user-data.yaml",
                contents: try templates.render("cloud-init/user-data.yaml", CloudInitContext(files: carried))
            )
        )
        return RenderedBundle(files: files)
    }
}
