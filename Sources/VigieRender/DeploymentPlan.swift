public import VigieCore

/// What the bundle's files are made of: every value derived once from the site file, with the
/// documented defaults filled in. Templates read only this.

public struct DeploymentPlan: Sendable {
    public struct Port: Sendable, Hashable {
        public var number: Int
        public var proto: String
        public var purpose: String
    }

    public struct Target: Sendable, Hashable {
        /// What a client connects to (`host:port`, IPv6 bracketed).
        public var address: String
        public var host: String
        public var port: Int
        public var udp: Bool
        public var service: String
        public var check: String
    }

    public struct ScrapeJob: Sendable, Hashable {
        public var name: String
        public var target: String
        public var scheme: String
        public var path: String
    }

    public struct Unit: Sendable, Hashable {
        public var service: String
        public var unit: String
    }

    /// A file a check needs on the host (its `ca`), at its path on the host.
    public struct CAFile: Sendable, Hashable {
        public var service: String
        public var check: String
        public var path: String
    }

    public var siteName: String
    /// The site name as a cloud resource or Grafana uid: lowercase ASCII letters, digits and hyphens,
    /// starting with a letter, at most 40 characters.
    public var resourceName: String
    public var domain: String
    public var language: Language
    public var provider: Hosting.Provider
    public var region: String?
    /// Why the host's location is lawful (RGPD chapter V), for the bundle's README.
    public var locationJudgement: String
    public var adminCIDRs4: [String]
    public var adminCIDRs6: [String]
    /// Jitsi Videobridge's media port (UDP).
    public var mediaPort: Int
    /// Whether the bundle's firewall starts with the media port closed (opened by `media-port.sh open`).
    public var mediaPortStartsClosed: Bool
    public var turn: Bool
    public var stunPort: Int
    public var turnTLSPort: Int
    public var publicTCP: [Port]
    public var publicUDP: [Port]
    /// Ports that listen on the host but must only be reached from the host itself.
    public var internalTCP: [Port]
    public var vigieListen: String
    public var vigiePort: Int
    public var webhookEnabled: Bool
    public var webhookTokenFile: String?
    /// The PostgreSQL register's password file on the host.
    public var databasePasswordFile: String?
    /// The `ca` files of the checks, on the host.
    public var caFiles: [CAFile]
    public var alertEmail: String?
    public var alertFrom: String
    public var smtpSmarthost: String
    public var smtpRequireTLS: Bool
    public var retentionDays: Int
    public var logDirectories: [String]
    public var logKeyDirectory: String
    /// Every endpoint the site declares, once, in file order: what `test_service_nc.sh` touches.
    public var endpoints: [Target]
    public var blackboxHTTPS: [String]
    public var blackboxHTTP: [String]
    public var blackboxTCP: [String]
    public var scrapeJobs: [ScrapeJob]
    public var units: [Unit]
    public var vigiePackageURL: String?
    public var vigiePackageSHA256: String?
    public var hasBridge: Bool
    /// The services whose collectors read a videobridge.
    public var bridgeServices: [String]
    public var hasFocus: Bool

    /// The paths the bundle installs to on the host.
    public static let siteDirectory = "/etc/vigie"
    public static let siteFilePath = "/etc/vigie/vigie.yml"
    public static let dataDirectory = AgentDefaults.dataDirectory
    public static let acmeWebroot = "/var/www/acme"
    public static let defaultMediaPort = 10000
    /// Not Debian's 9090: Jitsi Videobridge's colibri websockets already listen there.
    public static let prometheusPort = 9095
    public static let defaultTURNTLSPort = 5349
    public static let defaultLogDirectories = ["/var/log/jitsi", "/var/log/prosody", "/var/log/nginx"]

    public init(site: Site) throws(RenderError) {
        siteName = site.name
        resourceName = Self.resourceName(site.name)
        domain = site.domain
        language = site.language
        provider = site.hosting.provider
        region = site.hosting.region
        switch RegionGuard.judge(site.hosting) {
        case .success(let why): locationJudgement = why
        case .failure(let refusal): throw RenderError.missing(field: "hosting.region", reason: refusal.message)
        }
        adminCIDRs4 = site.hosting.adminCIDRs.filter { $0.family == .v4 }.map(\.description)
        adminCIDRs6 = site.hosting.adminCIDRs.filter { $0.family == .v6 }.map(\.description)

        let checks = site.checks
        mediaPort = checks.first { $0.kind == .udp }?.endpoint.port ?? Self.defaultMediaPort
        mediaPortStartsClosed = site.hosting.mediaPortOnDemand
        let stun = checks.first { $0.kind == .stun }
        turn = stun != nil || site.services.contains { $0.unit == "coturn" }
        stunPort = stun?.endpoint.port ?? 3478
        turnTLSPort = Self.defaultTURNTLSPort

        publicTCP = [
            Port(number: 80, proto: "tcp", purpose: "HTTP: ACME http-01 challenges and the redirect to HTTPS"),
            Port(number: 443, proto: "tcp", purpose: "HTTPS: Jitsi Meet, BOSH, XMPP websocket, bridge websockets"),
        ]
        publicUDP = [Port(number: mediaPort, proto: "udp", purpose: "Jitsi Videobridge media (RTP/SRTP)")]
        if turn {
            publicUDP.append(Port(number: stunPort, proto: "udp", purpose: "STUN/TURN (coturn)"))
            publicTCP.append(Port(number: turnTLSPort, proto: "tcp", purpose: "TURN over TLS (coturn)"))
        }
        vigiePort = AgentDefaults.port
        vigieListen = "\(AgentDefaults.host):\(vigiePort)"
        let internalPorts: [(Int, String)] = [
            (5222, "Prosody client-to-server (XMPP)"), (5269, "Prosody server-to-server"),
            (5280, "Prosody BOSH/websocket/HTTP"),
            (5347, "Prosody external components (Jicofo, JVB)"), (8080, "Jitsi Videobridge private REST API"),
            (8888, "Jicofo REST API"), (9090, "Jitsi Videobridge colibri websockets (nginx proxies /colibri-ws/)"),
            (Self.prometheusPort, "Prometheus"), (9093, "Alertmanager"), (9094, "Alertmanager cluster"),
            (9100, "node_exporter"), (9115, "blackbox_exporter"), (vigiePort, "vigie serve (metrics, API, webhook)"),
        ]
        let publicNumbers = Set(publicTCP.map(\.number))
        internalTCP = internalPorts.filter { !publicNumbers.contains($0.0) }.map {
            Port(number: $0.0, proto: "tcp", purpose: $0.1)
        }

        webhookEnabled = site.webhook != nil
        // Paths in the site file are paths on the host: relative ones are relative to the host's site file.
        webhookTokenFile = site.webhook?.tokenFile.resolved(in: Self.siteDirectory)
        databasePasswordFile =
            site.incidents.database == nil ? nil : site.incidents.passwordFile?.resolved(in: Self.siteDirectory)
        caFiles = site.checks.compactMap { check in
            guard let written = check.ca?.written else { return nil }
            return CAFile(
                service: check.service,
                check: check.name,
                path: SitePath.resolve(written, in: Self.siteDirectory)
            )
        }
        alertEmail = site.alerting.email
        alertFrom = site.alerting.from ?? "alertmanager@\(site.domain)"
        smtpSmarthost = site.alerting.smtpSmarthost
        smtpRequireTLS = site.alerting.smtpRequireTLS
        retentionDays = site.logs.retentionDays
        guard !site.logs.directories.isEmpty else {
            throw RenderError.missing(
                field: "logs.directories",
                reason:
                    "the bundle's log rotation and retention need the log directories (e.g. [\(Self.defaultLogDirectories.joined(separator: ", "))])"
            )
        }
        logDirectories = site.logs.directories
        logKeyDirectory = site.logs.keyDirectory?.resolved(in: Self.siteDirectory) ?? "\(Self.dataDirectory)/log-keys"

        var seen = Set<String>()
        endpoints = []
        blackboxHTTPS = []
        blackboxHTTP = []
        blackboxTCP = []
        for check in checks {
            let endpoint = check.endpoint
            let connectHost = check.resolve.map { Host.address($0) } ?? endpoint.host
            let address = Endpoint(host: connectHost, port: endpoint.port).description
            let udp = check.transport == .udp
            if seen.insert("\(udp ? "udp" : "tcp") \(address)").inserted {
                endpoints.append(
                    Target(
                        address: address,
                        host: connectHost.bare,
                        port: endpoint.port,
                        udp: udp,
                        service: check.service,
                        check: check.name
                    )
                )
            }
            switch check.target {
            case .http(let http) where http.url.scheme == .https: blackboxHTTPS.append(http.url.description)
            case .http(let http): blackboxHTTP.append(http.url.description)
            case .tcp(let endpoint): blackboxTCP.append(endpoint.description)
            default: break
            }
        }
        scrapeJobs = site.collectors.compactMap { collector -> ScrapeJob? in
            let name: String
            switch collector.kind {
            case .jvbMetrics: name = "jvb"
            case .jicofoMetrics: name = "jicofo"
            case .prosodyOpenMetrics: name = "prosody"
            case .jvbColibriStats, .jicofoStats: return nil
            }
            let path =
                collector.url.requestTarget.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/metrics"
            return ScrapeJob(
                name: name,
                target: collector.url.endpoint.description,
                scheme: collector.url.scheme.rawValue,
                path: path
            )
        }
        var jobNames = Set<String>()
        scrapeJobs = scrapeJobs.filter { jobNames.insert($0.name).inserted }
        units = site.services.compactMap { service in service.unit.map { Unit(service: service.name, unit: $0) } }
        vigiePackageURL = site.hosting.vigiePackageURL
        vigiePackageSHA256 = site.hosting.vigiePackageSHA256
        bridgeServices = site.services.filter {
            $0.collectors.contains { $0.kind == .jvbMetrics || $0.kind == .jvbColibriStats }
        }.map(\.name)
        hasBridge = !bridgeServices.isEmpty
        hasFocus = site.collectors.contains { $0.kind == .jicofoMetrics || $0.kind == .jicofoStats }
        try validate()
    }

    /// Values that go into nginx, nftables and shell files unescaped by design must be plain.
    private func validate() throws(RenderError) {
        for directory in logDirectories {
            guard directory.hasPrefix("/"), TargetEscaping.isPlainWord(directory, extra: "._/-"),
                !directory.contains("..")
            else {
                throw RenderError.unsafeValue(
                    field: "logs.directories",
                    value: directory,
                    target: "logrotate and shell (absolute path of letters, digits, ._/-)"
                )
            }
        }
        guard TargetEscaping.isPlainWord(logKeyDirectory, extra: "._/-") else {
            throw RenderError.unsafeValue(field: "logs.key_directory", value: logKeyDirectory, target: "systemd units")
        }
        if let tokenFile = webhookTokenFile, !TargetEscaping.isPlainWord(tokenFile, extra: "._/-") {
            throw RenderError.unsafeValue(
                field: "webhook.token_file",
                value: tokenFile,
                target: "alertmanager.yml and systemd units"
            )
        }
    }

    /// `Visio PME — Lyon` → `visio-pme-lyon`: ASCII letters and digits, single hyphens, a letter first.
    static func resourceName(_ name: String) -> String {
        var resource = ""
        for character in name.lowercased() {
            if character.isASCII, character.isLetter || character.isNumber {
                resource.append(character)
            } else if !resource.isEmpty, resource.last != "-" {
                resource.append("-")
            }
        }
        if !(resource.first?.isLetter ?? false) { resource = "vigie-" + resource }
        resource = String(resource.prefix(40))
        while resource.hasSuffix("-") { resource.removeLast() }
        return resource
    }
}
