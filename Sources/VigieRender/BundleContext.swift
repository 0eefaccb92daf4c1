import VigieCore

/// The values the templates read, by name (`{{domain}}`, `{{#publicTCP}}…{{/publicTCP}}`).
///
/// Mustache reads stored properties through reflection, so everything a template needs is
/// computed here, not in the template: lists come joined for the target language, booleans
/// guard optional parts.

struct BundleContext {
    /// A file the site file names on the host, for the bundle's README.
    struct HostSecretFile {
        var path: String
        var what: String
        var readers: String
        var origin: String
    }

    struct AdminCIDR {
        var index: Int
        var cidr: String
        var ethertype: String
    }

    var siteName: String
    /// The site name inside a `#` comment: one line, its control characters shown, never obeyed (the site
    /// loader refuses them already; this holds for a ``Site`` built any other way too).
    var siteNameComment: String
    /// Grafana's name for the data source: a whole YAML scalar, so the escaper quotes all of it.
    var datasourceName: String
    /// The site name as a cloud resource name: lowercase letters, digits and hyphens, starting with a letter.
    var resourceName: String
    var domain: String
    var provider: String
    var region: String
    var locationJudgement: String
    var vigieVersion: String

    // Firewall
    var publicTCP: [DeploymentPlan.Port]
    var publicUDP: [DeploymentPlan.Port]
    var internalTCP: [DeploymentPlan.Port]
    var publicTCPList: String
    var publicUDPList: String
    var publicTCPQuoted: String
    var publicUDPQuoted: String
    var adminCIDRs4Quoted: String
    var adminCIDRsAll: String
    var adminCIDRItems: [AdminCIDR]
    var hostFiles: [HostFile]
    var publicUDPWithoutMediaList: String
    var internalTCPList: String
    var hasPublicUDPWithoutMedia: Bool
    var adminCIDRs4: String
    var adminCIDRs6: String
    var hasAdminCIDRs4: Bool
    var hasAdminCIDRs6: Bool
    var hasAdminCIDRs: Bool
    var mediaPort: Int
    var mediaPortStartsClosed: Bool
    var mediaPortStartsOpen: Bool
    var turn: Bool
    var stunPort: Int
    var turnTLSPort: Int

    // Monitoring
    var vigieListen: String
    var vigiePort: Int
    var prometheusPort: Int
    var webhookEnabled: Bool
    var webhookTokenFile: String
    var siteDirectory: String
    var hostSecretFiles: [HostSecretFile]
    var hasHostFiles: Bool
    var databasePasswordFile: String
    var hasDatabasePasswordFile: Bool
    var caFiles: [DeploymentPlan.CAFile]
    var alertEmail: String
    var hasAlertEmail: Bool
    var alertFrom: String
    var smtpSmarthost: String
    var smtpRequireTLS: Bool
    var blackboxHTTPS: [String]
    var blackboxHTTP: [String]
    var blackboxTCP: [String]
    var hasBlackboxHTTPS: Bool
    var hasBlackboxHTTP: Bool
    var hasBlackboxTCP: Bool
    var scrapeJobs: [DeploymentPlan.ScrapeJob]
    var hasBridge: Bool
    var hasFocus: Bool

    // Host
    var units: [DeploymentPlan.Unit]
    var unitNames: String
    var endpoints: [DeploymentPlan.Target]
    var retentionDays: Int
    var logDirectories: [String]
    var logDirectoryList: String
    var logKeyDirectory: String
    var siteFilePath: String
    var dataDirectory: String
    var vigiePackageURL: String
    var vigiePackageSHA256: String
    var hasVigiePackageURL: Bool
    var layout: InstallLayout
    var isGCP: Bool
    var isInfomaniak: Bool
    var isManual: Bool
    var languageFrench: Bool

    init(plan: DeploymentPlan, layout: InstallLayout) {
        siteName = plan.siteName
        siteNameComment = PrintableText.escaped(plan.siteName)
        datasourceName = "Prometheus (\(plan.siteName))"
        resourceName = plan.resourceName
        domain = plan.domain
        provider = plan.provider.rawValue
        region = plan.region ?? ""
        locationJudgement = plan.locationJudgement
        vigieVersion = Vigie.version

        publicTCP = plan.publicTCP
        publicUDP = plan.publicUDP
        internalTCP = plan.internalTCP
        publicTCPList = plan.publicTCP.map { String($0.number) }.joined(separator: ", ")
        publicUDPList = plan.publicUDP.map { String($0.number) }.joined(separator: ", ")
        publicTCPQuoted = plan.publicTCP.map { "\"\($0.number)\"" }.joined(separator: ", ")
        publicUDPQuoted = plan.publicUDP.map { "\"\($0.number)\"" }.joined(separator: ", ")
        adminCIDRs4Quoted = plan.adminCIDRs4.map { "\"\($0)\"" }.joined(separator: ", ")
        adminCIDRsAll = (plan.adminCIDRs4 + plan.adminCIDRs6).joined(separator: ", ")
        adminCIDRItems =
            plan.adminCIDRs4.map { ("IPv4", $0) }.enumerated().map {
                AdminCIDR(index: $0 + 1, cidr: $1.1, ethertype: $1.0)
            }
            + plan.adminCIDRs6.enumerated().map {
                AdminCIDR(index: plan.adminCIDRs4.count + $0 + 1, cidr: $1, ethertype: "IPv6")
            }
        hostFiles = BundleRenderer.hostFiles
        let otherUDP = plan.publicUDP.filter { $0.number != plan.mediaPort }
        publicUDPWithoutMediaList = otherUDP.map { String($0.number) }.joined(separator: ", ")
        hasPublicUDPWithoutMedia = !otherUDP.isEmpty
        internalTCPList = plan.internalTCP.map { String($0.number) }.joined(separator: ", ")
        adminCIDRs4 = plan.adminCIDRs4.joined(separator: ", ")
        adminCIDRs6 = plan.adminCIDRs6.joined(separator: ", ")
        hasAdminCIDRs4 = !plan.adminCIDRs4.isEmpty
        hasAdminCIDRs6 = !plan.adminCIDRs6.isEmpty
        hasAdminCIDRs = hasAdminCIDRs4 || hasAdminCIDRs6
        mediaPort = plan.mediaPort
        mediaPortStartsClosed = plan.mediaPortStartsClosed
        mediaPortStartsOpen = !plan.mediaPortStartsClosed
        turn = plan.turn
        stunPort = plan.stunPort
        turnTLSPort = plan.turnTLSPort

        vigieListen = plan.vigieListen
        vigiePort = plan.vigiePort
        prometheusPort = DeploymentPlan.prometheusPort
        webhookEnabled = plan.webhookEnabled
        webhookTokenFile = plan.webhookTokenFile ?? ""
        siteDirectory = DeploymentPlan.siteDirectory
        databasePasswordFile = plan.databasePasswordFile ?? ""
        hasDatabasePasswordFile = plan.databasePasswordFile != nil
        caFiles = plan.caFiles
        var secrets: [HostSecretFile] = []
        if let token = plan.webhookTokenFile {
            secrets.append(
                HostSecretFile(
                    path: token,
                    what: "the bearer token of Vigie's Alertmanager webhook (webhook.token_file)",
                    readers: "vigie and prometheus (group vigie-webhook, mode 0640)",
                    origin: "generated by provision.sh when missing (32 random bytes, hex)"
                )
            )
        }
        if let password = plan.databasePasswordFile {
            secrets.append(
                HostSecretFile(
                    path: password,
                    what: "the PostgreSQL register's password (incidents.password_file)",
                    readers: "vigie (group vigie, mode 0640)",
                    origin: "you: one line, before Vigie starts"
                )
            )
        }
        for ca in plan.caFiles {
            secrets.append(
                HostSecretFile(
                    path: ca.path,
                    what: "the CA certificates of check \(ca.service)/\(ca.check) (ca)",
                    readers: "vigie",
                    origin: "you: copy it; provision.sh says when it is missing"
                )
            )
        }
        secrets.append(
            HostSecretFile(
                path: plan.logKeyDirectory,
                what: "the daily keys of the log pseudonymiser (logs.key_directory)",
                readers: "root (mode 0700)",
                origin: "created by provision.sh; each day's key on first use"
            )
        )
        hostSecretFiles = secrets
        hasHostFiles = !secrets.isEmpty
        alertEmail = plan.alertEmail ?? ""
        hasAlertEmail = plan.alertEmail != nil
        alertFrom = plan.alertFrom
        smtpSmarthost = plan.smtpSmarthost
        smtpRequireTLS = plan.smtpRequireTLS
        blackboxHTTPS = plan.blackboxHTTPS
        blackboxHTTP = plan.blackboxHTTP
        blackboxTCP = plan.blackboxTCP
        hasBlackboxHTTPS = !plan.blackboxHTTPS.isEmpty
        hasBlackboxHTTP = !plan.blackboxHTTP.isEmpty
        hasBlackboxTCP = !plan.blackboxTCP.isEmpty
        scrapeJobs = plan.scrapeJobs
        hasBridge = plan.hasBridge
        hasFocus = plan.hasFocus

        units = plan.units
        unitNames = plan.units.map(\.unit).joined(separator: " ")
        endpoints = plan.endpoints
        retentionDays = plan.retentionDays
        logDirectories = plan.logDirectories
        logDirectoryList = plan.logDirectories.map { "-\($0)" }.joined(separator: " ")
        logKeyDirectory = plan.logKeyDirectory
        siteFilePath = DeploymentPlan.siteFilePath
        dataDirectory = DeploymentPlan.dataDirectory
        vigiePackageURL = plan.vigiePackageURL ?? ""
        vigiePackageSHA256 = plan.vigiePackageSHA256 ?? ""
        hasVigiePackageURL = plan.vigiePackageURL != nil
        self.layout = layout
        isGCP = plan.provider == .gcp
        isInfomaniak = plan.provider == .infomaniak
        isManual = plan.provider == .manual
        languageFrench = plan.language == .fr
    }
}
