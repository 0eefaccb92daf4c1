import Foundation
import Yams

/// Decodes and validates the text of a site file (`vigie.yml`): pure, it reads no file (VigieKit's
/// `SiteLoader.load(path:)` reads the file, and `Site.resolving` the files it names on the host).
///
/// Every problem is a ``SiteFileError`` naming the file, line, column and key, so that
/// `vigie validate` and every other command can print one line the user can act on.
public enum SiteLoader {
    /// Top-level keys this version understands.
    static let topLevelKeys = ["site", "hosting", "services", "incidents", "webhook", "logs", "report", "alerting"]

    package static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Decodes site-file text. Pure: reads no file and no environment variable.
    ///
    /// - Parameters:
    ///   - yaml: The text of the file.
    ///   - file: The name used in error messages.
    ///   - baseDirectory: The directory relative paths are resolved against on this machine.
    public static func decode(yaml: String, file: String, baseDirectory: String) throws(SiteFileError) -> Site {
        try YAMLPreflight.check(yaml, file: file)
        // A byte-order mark is allowed at the start (editors on Windows write one); YAML does not want it.
        let yaml = yaml.hasPrefix("\u{FEFF}") ? String(yaml.unicodeScalars.dropFirst()) : yaml
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw SiteFileError(file: file, location: nil, keyPath: "", message: "the site file is empty")
            }
            root = node
        } catch let error as SiteFileError {
            throw error
        } catch let error as YamlError {
            throw SiteLoader.translate(error, file: file, yaml: yaml)
        } catch {
            throw SiteFileError(file: file, location: nil, keyPath: "", message: "\(error)")
        }
        var decoder = SiteDecoder(file: file, baseDirectory: baseDirectory)
        var site = try decoder.decodeSite(YAMLCursor(node: root, path: "", file: file))
        site.file = file
        return site
    }

    /// Whether `name` is a valid service or check name: lower-case letters, digits, '-' and '_'.
    public static func isValidServiceName(_ name: String) -> Bool { SiteDecoder.isValidServiceName(name) }

    static func translate(_ error: YamlError, file: String, yaml: String) -> SiteFileError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(line: mark.line, column: mark.column) }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return SiteFileError(file: file, location: at(mark), keyPath: "", message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let location = secondOccurrence(of: key, after: context.mark, in: yaml) ?? at(context.mark)
            return SiteFileError(
                file: file,
                location: location,
                keyPath: "",
                message: "duplicate key \"\(key)\" (first at line \(context.mark.line)); names must be unique"
            )
        case .reader(let problem, _, _, _):
            return SiteFileError(file: file, location: nil, keyPath: "", message: "invalid YAML: \(problem)")
        default:
            return SiteFileError(file: file, location: nil, keyPath: "", message: "invalid YAML: \(error)")
        }
    }

    /// The line and column of the repeated key, found by looking for the same key at the same indentation.
    static func secondOccurrence(of key: String, after mark: Mark, in yaml: String) -> SourceLocation? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        let column = mark.column
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            guard indent + 1 == column else { continue }
            let rest = line.dropFirst(indent)
            for candidate in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(candidate + ":") {
                return SourceLocation(line: index + 1, column: column)
            }
        }
        return nil
    }
}

/// Walks the YAML tree and builds the ``Site``.
struct SiteDecoder {
    let file: String
    let baseDirectory: String

    static let serviceNamePattern = "lower-case letters, digits, '-' and '_', starting with a letter or digit"

    mutating func decodeSite(_ root: YAMLCursor) throws(SiteFileError) -> Site {
        let top = try root.mapping()
        try top.rejectUnknownKeys(allowed: SiteLoader.topLevelKeys)

        let siteSection = try top.required("site").mapping()
        try siteSection.rejectUnknownKeys(allowed: ["name", "domain", "lang"])
        let nameCursor = try siteSection.required("name")
        let name = try nameCursor.string()
        guard (1...100).contains(name.count), !(name.first?.isWhitespace ?? true), !(name.last?.isWhitespace ?? true),
            !name.unicodeScalars.contains(where: { $0 == "\u{2800}" })
        else {
            throw nameCursor.error("the site name is 1 to 100 characters, without leading or trailing spaces or blanks")
        }
        let domainCursor = try siteSection.required("domain")
        let domain = try domainCursor.string().lowercased()
        guard case .name = Host(domain) else {
            throw domainCursor.error("\"\(domain)\" is not a DNS name")
        }
        let language = try siteSection["lang"]?.oneOf(Language.self) ?? .en

        var hosting = Hosting()
        if let hostingCursor = top["hosting"] {
            hosting = try decodeHosting(hostingCursor)
        }

        let servicesCursor = try top.required("services")
        let servicesMapping = try servicesCursor.mapping()
        guard !servicesMapping.entries.isEmpty else { throw servicesCursor.error("declare at least one service") }
        var services: [Service] = []
        for entry in servicesMapping.entries {
            guard SiteDecoder.isValidServiceName(entry.key) else {
                throw SiteFileError(
                    file: file,
                    location: entry.keyLocation,
                    keyPath: entry.value.path,
                    message: "invalid service name \"\(entry.key)\" (\(SiteDecoder.serviceNamePattern))"
                )
            }
            services.append(try decodeService(name: entry.key, entry.value, domain: domain))
        }
        var site = Site(name: name, domain: domain, language: language, hosting: hosting, services: services)
        if let incidentsCursor = top["incidents"] { site.incidents = try decodeIncidents(incidentsCursor) }
        if let webhookCursor = top["webhook"] { site.webhook = try decodeWebhook(webhookCursor) }
        if let logsCursor = top["logs"] { site.logs = try decodeLogs(logsCursor) }
        if let reportCursor = top["report"] { site.report = try decodeReport(reportCursor) }
        if let alertingCursor = top["alerting"] { site.alerting = try decodeAlerting(alertingCursor, domain: domain) }
        return site
    }

    func decodeReport(_ cursor: YAMLCursor) throws(SiteFileError) -> ReportSettings {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: ["capacity_per_bridge", "thresholds"])
        var settings = ReportSettings()
        if let c = mapping["capacity_per_bridge"] { settings.capacityPerBridge = try c.int(in: 1...100_000) }
        if let thresholdsCursor = mapping["thresholds"] {
            let thresholds = try thresholdsCursor.mapping()
            try thresholds.rejectUnknownKeys(allowed: ["participants", "stress", "probe_latency", "certificate_days"])
            if let c = thresholds["participants"] {
                settings.participantsThreshold = Double(try c.int(in: 1...1_000_000))
            }
            if let c = thresholds["stress"] {
                let text = try c.string()
                guard let value = Double(text), value > 0, value <= 10 else {
                    throw c.error("stress must be a number like 0.8")
                }
                settings.stressThreshold = value
            }
            if let c = thresholds["probe_latency"] {
                settings.probeLatencyThreshold = try c.duration(in: .milliseconds(1) ... .seconds(120))
            }
            if let c = thresholds["certificate_days"] { settings.certificateDaysThreshold = try c.int(in: 0...1000) }
        }
        return settings
    }

    func decodeLogs(_ cursor: YAMLCursor) throws(SiteFileError) -> LogSettings {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: [
            "retention_days", "directories", "key_directory", "keep_network_prefix",
        ])
        var settings = LogSettings()
        if let c = mapping["retention_days"] { settings.retentionDays = try c.int(in: 1...3650) }
        if let c = mapping["directories"] {
            for item in try c.sequence() {
                let directory = try item.string()
                guard directory.hasPrefix("/"), directory != "/", SiteDecoder.isPlainPath(directory) else {
                    throw item.error(
                        "\"\(directory)\" must be an absolute directory other than /, of letters, digits and ._-/, without . or .. "
                            + "(it is written into logrotate, systemd and shell files)"
                    )
                }
                if let system = SiteDecoder.systemDirectories.first(where: {
                    directory == $0 || directory.hasPrefix($0 + "/")
                }) {
                    throw item.error(
                        "\(directory) is \(directory == system ? "" : "under ")\(system), a system directory: the purge deletes "
                            + "rotated-looking names there as root (libc.so.6 looks rotated); list the services' log directories"
                    )
                }
                if settings.directories.contains(directory) { throw item.error("\(directory) is listed twice") }
                settings.directories.append(directory)
            }
        }
        if let c = mapping["key_directory"] { settings.keyDirectory = try hostPath(c) }
        if let c = mapping["keep_network_prefix"] { settings.keepNetworkPrefix = try c.bool() }
        return settings
    }

    /// Paths written into the bundle's files: letters, digits and `._-/`, no `.` or `..` component, no `//`.
    static func isPlainPath(_ path: String) -> Bool {
        path.isPlainWord(extra: "._/-")
            && !path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().contains("")
            && !path.split(separator: "/").contains { $0 == ".." || $0 == "." } && !path.hasPrefix("-")
    }

    /// Directories that hold the system, not logs: `logs.directories` may not be, or be under, one of them.
    static let systemDirectories = [
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/run", "/sbin", "/sys",
        "/usr",
        "/var/lib", "/var/cache", "/var/spool", "/var/mail", "/var/backups", "/snap",
    ]

    /// A path on the Jitsi host (a secret file, a key directory): kept as written, resolved on this machine for
    /// local use, never read here.
    func hostPath(_ cursor: YAMLCursor) throws(SiteFileError) -> SitePath {
        var text = try cursor.string()
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        guard SiteDecoder.isPlainPath(text), text != "/", text != "." else {
            throw cursor.error(
                "\"\(text)\" must be a path of letters, digits and ._-/ without . or .. components (it is written into systemd units, "
                    + "Alertmanager's configuration and provisioning)"
            )
        }
        return SitePath(written: text, siteDirectory: baseDirectory, location: cursor.location, keyPath: cursor.path)
    }

    func decodeWebhook(_ cursor: YAMLCursor) throws(SiteFileError) -> WebhookSettings {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: ["token_file"])
        return WebhookSettings(tokenFile: try hostPath(try mapping.required("token_file")))
    }

    func decodeIncidents(_ cursor: YAMLCursor) throws(SiteFileError) -> IncidentSettings {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: [
            "database", "password_file", "open_after", "close_after", "significant_after",
        ])
        var settings = IncidentSettings()
        if let databaseCursor = mapping["database"] {
            let database = try DatabaseURL.parse(try databaseCursor.string()).mapError {
                databaseCursor.error($0.description)
            }.get()
            if let passwordCursor = mapping["password_file"] { settings.passwordFile = try hostPath(passwordCursor) }
            settings.database = database
        } else if let passwordCursor = mapping["password_file"] {
            throw passwordCursor.error("password_file needs a database")
        }
        if let cursor = mapping["open_after"] { settings.openAfter = try cursor.int(in: 1...1000) }
        if let cursor = mapping["close_after"] { settings.closeAfter = try cursor.int(in: 1...1000) }
        if let cursor = mapping["significant_after"] {
            settings.significantAfter = try cursor.duration(in: .seconds(60) ... .seconds(30 * 86_400))
        }
        return settings
    }

    func decodeRemediation(
        _ cursor: YAMLCursor,
        service: String,
        unit: String?
    ) throws(SiteFileError) -> RemediationPolicy {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(
            allowed: ["restart_after", "cooldown", "max_restarts", "window", "command", "timeout", "drain"]
        )
        guard let unit else {
            throw cursor.error("remediation needs the service's unit (unit: …) to know what to restart")
        }
        var policy = RemediationPolicy(command: RemediationPolicy.systemctlRestart(unit))
        if let c = mapping["restart_after"] { policy.restartAfter = try c.int(in: 1...1000) }
        if let c = mapping["cooldown"] { policy.cooldown = try c.duration(in: .seconds(0) ... .seconds(86_400)) }
        if let c = mapping["max_restarts"] { policy.maxRestarts = try c.int(in: 0...1000) }
        if let c = mapping["window"] { policy.window = try c.duration(in: .seconds(60) ... .seconds(7 * 86_400)) }
        if let c = mapping["timeout"] { policy.commandTimeout = try c.duration(in: .seconds(1) ... .seconds(3600)) }
        if let commandCursor = mapping["command"] {
            let command = try commandCursor.sequence().map { (item) throws(SiteFileError) in try item.string() }
            if let refusal = RemediationPolicy.refusal(of: command, unit: unit) { throw commandCursor.error(refusal) }
            policy.command = command
        }
        if let drainCursor = mapping["drain"] {
            let drain = try drainCursor.mapping()
            try drain.rejectUnknownKeys(allowed: ["url", "deadline"])
            let urlCursor = try drain.required("url")
            let url = try HTTPURL.parse(try urlCursor.string()).mapError { urlCursor.error($0.description) }.get()
            let deadline = try drain["deadline"]?.duration(in: .seconds(0) ... .seconds(86_400)) ?? .seconds(600)
            policy.drain = .init(url: url, deadline: deadline)
        }
        return policy
    }

    static func isValidServiceName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (0x61...0x7A).contains(first) || (0x30...0x39).contains(first),
            name.utf8.count <= 64
        else { return false }
        return name.utf8.allSatisfy {
            (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F
        }
    }

    /// `local@domain` with a conservative local part (letters, digits, `._%+-`) and a valid host name:
    /// the address goes into Alertmanager's YAML and cloud-init, so nothing exotic is accepted.
    static func isValidEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...64).contains(parts[0].utf8.count), parts[1].contains(".") else { return false }
        let localOK = parts[0].utf8.allSatisfy { byte in
            (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
                || [0x2E, 0x5F, 0x25, 0x2B, 0x2D].contains(byte)
        }
        return localOK && !parts[0].hasPrefix(".") && !parts[0].hasSuffix(".")
            && Host.isValidName(parts[1].lowercased())
    }

    /// systemd unit names: letters, digits and `:-_.@\`, optionally ending in `.service`.
    static func isValidUnitName(_ unit: String) -> Bool {
        guard !unit.isEmpty, unit.utf8.count <= 255, !unit.hasPrefix("-") else { return false }
        return unit.utf8.allSatisfy { byte in
            (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
                || [0x3A, 0x2D, 0x5F, 0x2E, 0x40, 0x5C].contains(byte)
        }
    }

    func decodeHosting(_ cursor: YAMLCursor) throws(SiteFileError) -> Hosting {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: [
            "provider", "region", "public_address", "admin_cidrs", "accept_transfer_outside_eu", "media_port_on_demand",
            "vigie_package_url", "vigie_package_sha256", "vigie_binary_url", "vigie_binary_sha256",
        ])
        var hosting = Hosting()
        hosting.provider = try mapping.required("provider").oneOf(Hosting.Provider.self)
        if let regionCursor = mapping["region"] {
            let region = try regionCursor.string()
            guard region.utf8.count <= 64, region.isPlainWord(extra: "-") else {
                throw regionCursor.error(
                    "\"\(region)\" is not a region name (letters, digits and '-', as the provider writes it)"
                )
            }
            hosting.region = region
        }
        if let addressCursor = mapping["public_address"] {
            let text = try addressCursor.string()
            guard let address = IPAddress(text) else { throw addressCursor.error("\"\(text)\" is not an IP address") }
            hosting.publicAddress = address
        }
        if let cidrsCursor = mapping["admin_cidrs"] {
            for entry in try cidrsCursor.sequence() {
                let text = try entry.string()
                guard let network = IPNetwork(text) else {
                    throw entry.error(
                        "\"\(text)\" is not a network in CIDR notation with its host bits zero (198.51.100.0/28, 2001:db8::/48)"
                    )
                }
                if network.prefixLength == 0 {
                    throw entry.error("\(text) opens SSH to the whole Internet; list the administrators' networks")
                }
                if hosting.adminCIDRs.contains(network) { throw entry.error("\(text) is listed twice") }
                hosting.adminCIDRs.append(network)
            }
        }
        if let c = mapping["accept_transfer_outside_eu"] { hosting.acceptTransferOutsideEU = try c.bool() }
        if let c = mapping["media_port_on_demand"] { hosting.mediaPortOnDemand = try c.bool() }
        for old in ["vigie_binary_url", "vigie_binary_sha256"] {
            if let c = mapping[old] {
                let renamed = old.replacingOccurrences(of: "binary", with: "package")
                throw c.error(
                    "\(old) is now \(renamed): the host installs the Debian package built by Scripts/package.sh, not a bare binary"
                )
            }
        }
        if let c = mapping["vigie_package_url"] {
            let text = try c.string()
            guard case .success(let url) = HTTPURL.parse(text), url.scheme == .https else {
                throw c.error("\"\(text)\" is not an https URL (the package is fetched by the new VM)")
            }
            guard url.requestTarget.split(separator: "?", maxSplits: 1).first?.hasSuffix(".deb") == true else {
                throw c.error("\"\(text)\" does not name a .deb file (the package Scripts/package.sh builds)")
            }
            hosting.vigiePackageURL = text
            guard let sumCursor = mapping["vigie_package_sha256"] else {
                throw c.error("vigie_package_url needs vigie_package_sha256: the VM verifies what it downloads")
            }
            let sum = try sumCursor.string().lowercased()
            guard sum.count == 64, sum.allSatisfy(\.isHexDigit) else {
                throw sumCursor.error("expected 64 hexadecimal digits")
            }
            hosting.vigiePackageSHA256 = sum
        } else if let sumCursor = mapping["vigie_package_sha256"] {
            throw sumCursor.error("vigie_package_sha256 without vigie_package_url")
        }
        if case .failure(let refusal) = RegionGuard.judge(hosting) {
            let cursor: YAMLCursor
            if let region = mapping["region"] { cursor = region } else { cursor = try mapping.required("provider") }
            throw cursor.error(refusal.message)
        }
        return hosting
    }

    func decodeAlerting(_ cursor: YAMLCursor, domain: String) throws(SiteFileError) -> AlertingSettings {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: ["email", "smtp_smarthost", "from", "smtp_require_tls"])
        var settings = AlertingSettings()
        func address(_ c: YAMLCursor) throws(SiteFileError) -> String {
            let text = try c.string()
            guard SiteDecoder.isValidEmail(text) else { throw c.error("\"\(text)\" is not an e-mail address") }
            return text
        }
        if let c = mapping["email"] { settings.email = try address(c) }
        if let c = mapping["from"] { settings.from = try address(c) }
        if let c = mapping["smtp_smarthost"] {
            let text = try c.string()
            guard case .success = Endpoint.parse(text, defaultPort: nil) else {
                throw c.error("\"\(text)\" is not host:port")
            }
            settings.smtpSmarthost = text
        }
        if let c = mapping["smtp_require_tls"] { settings.smtpRequireTLS = try c.bool() }
        return settings
    }

    func decodeService(name: String, _ cursor: YAMLCursor, domain: String) throws(SiteFileError) -> Service {
        let mapping = try cursor.mapping()
        try mapping.rejectUnknownKeys(allowed: ["unit", "interval", "checks", "collect", "remediation"])
        var service = Service(name: name)
        let interval = try mapping["interval"]?.duration(in: SiteDecoder.intervalRange) ?? Check.defaultInterval
        if let unitCursor = mapping["unit"] {
            let unit = try unitCursor.string()
            guard SiteDecoder.isValidUnitName(unit) else {
                throw unitCursor.error("\"\(unit)\" is not a valid systemd unit name")
            }
            service.unit = unit
        }
        if let checksCursor = mapping["checks"] {
            var explicitNames: [Int: YAMLCursor] = [:]
            // A set, not a search of the list: a site of thousands of checks decodes in linear time.
            var ids: Set<String> = []
            for checkCursor in try checksCursor.sequence() {
                var check = try decodeCheck(checkCursor, service: name, domain: domain)
                guard ids.insert(check.id).inserted else {
                    throw checkCursor.error(
                        "duplicate check: \(check.kind.rawValue) \(check.targetDescription) is already declared"
                    )
                }
                let checkMapping = try checkCursor.mapping()
                if checkMapping["interval"] == nil { check.interval = interval }
                if let nameCursor = checkMapping["name"] { explicitNames[service.checks.count] = nameCursor }
                service.checks.append(check)
            }
            try nameChecks(&service.checks, explicit: explicitNames)
        }
        if let collectCursor = mapping["collect"] {
            for collectorCursor in try collectCursor.sequence() {
                let collector = try decodeCollector(collectorCursor, service: name)
                if service.collectors.contains(where: { $0.kind == collector.kind }) {
                    throw collectorCursor.error(
                        "duplicate collector: \(collector.kind.rawValue) is already declared for \(name)"
                    )
                }
                service.collectors.append(collector)
            }
        }
        if let remediationCursor = mapping["remediation"] {
            service.remediation = try decodeRemediation(remediationCursor, service: name, unit: service.unit)
        }
        return service
    }

    static let intervalRange: ClosedRange<Duration> = .milliseconds(100) ... .seconds(86_400)

    /// Gives every check without a `name:` one: its kind, or `kind-N` when the service has several of that kind.
    func nameChecks(_ checks: inout [Check], explicit: [Int: YAMLCursor]) throws(SiteFileError) {
        var perKind: [Check.Kind: Int] = [:]
        for check in checks { perKind[check.kind, default: 0] += 1 }
        var seenOfKind: [Check.Kind: Int] = [:]
        for index in checks.indices where explicit[index] == nil {
            let kind = checks[index].kind
            seenOfKind[kind, default: 0] += 1
            checks[index].name = perKind[kind]! == 1 ? kind.rawValue : "\(kind.rawValue)-\(seenOfKind[kind]!)"
        }
        var used: Set<String> = []
        for index in checks.indices where !used.insert(checks[index].name).inserted {
            let cursor = explicit[index] ?? explicit.first { checks[$0.key].name == checks[index].name }?.value
            let message = "check name \"\(checks[index].name)\" is used twice in this service"
            throw cursor?.error(message)
                ?? SiteFileError(file: file, location: checks[index].location, keyPath: "", message: message)
        }
    }

    static let collectorKeys = ["interval", "timeout", "resolve"]

    func decodeCollector(_ cursor: YAMLCursor, service: String) throws(SiteFileError) -> Collector {
        let mapping = try cursor.mapping()
        let kinds = mapping.entries.compactMap { entry in Collector.Kind(rawValue: entry.key).map { (entry, $0) } }
        guard kinds.count == 1, let (kindEntry, kind) = kinds.first else {
            let names = Collector.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw cursor.error(
                kinds.isEmpty
                    ? "a collector needs one of: \(names)"
                    : "a collector has exactly one kind, found \(kinds.map(\.1.rawValue).joined(separator: " and "))"
            )
        }
        try mapping.rejectUnknownKeys(allowed: [kind.rawValue] + SiteDecoder.collectorKeys)
        let urlText = try kindEntry.value.string()
        let url: HTTPURL
        switch HTTPURL.parse(urlText) {
        case .success(let parsed): url = parsed
        case .failure(let failure): throw kindEntry.value.error(failure.description)
        }
        var collector = Collector(service: service, kind: kind, url: url, location: kindEntry.keyLocation)
        if let intervalCursor = mapping["interval"] {
            collector.interval = try intervalCursor.duration(in: SiteDecoder.intervalRange)
        }
        if let timeoutCursor = mapping["timeout"] {
            collector.timeout = try timeoutCursor.duration(in: .milliseconds(100) ... .seconds(120))
        }
        if let resolveCursor = mapping["resolve"] {
            let text = try resolveCursor.string()
            guard let address = IPAddress(text) else {
                throw resolveCursor.error("resolve needs an IP address, found \"\(text)\"")
            }
            collector.resolve = address
        }
        return collector
    }

    static let commonCheckKeys = ["name", "timeout", "interval", "resolve"]
    static let optionKeys: [Check.Kind: [String]] = [
        .tcp: [],
        .udp: [],
        .stun: [],
        .http: ["expect_redirect_to_https", "expect_status", "ca"],
        .https: ["require_hsts", "expect_status", "ca", "warn_days"],
        .xmpp: ["domain", "require_starttls", "ca", "warn_days"],
    ]

    func decodeCheck(_ cursor: YAMLCursor, service: String, domain: String) throws(SiteFileError) -> Check {
        let mapping = try cursor.mapping()
        let kinds = mapping.entries.compactMap { entry in Check.Kind(rawValue: entry.key).map { (entry, $0) } }
        guard kinds.count == 1, let (kindEntry, kind) = kinds.first else {
            let names = Check.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw cursor.error(
                kinds.isEmpty
                    ? "a check needs one of: \(names)"
                    : "a check has exactly one kind, found \(kinds.map(\.1.rawValue).joined(separator: " and "))"
            )
        }
        try mapping.rejectUnknownKeys(
            allowed: [kind.rawValue] + SiteDecoder.commonCheckKeys + SiteDecoder.optionKeys[kind]!
        )
        let targetCursor = kindEntry.value
        let targetText = try targetCursor.string()

        func endpoint(defaultPort: Int?) throws(SiteFileError) -> Endpoint {
            switch Endpoint.parse(targetText, defaultPort: defaultPort) {
            case .success(let endpoint): return endpoint
            case .failure(let failure): throw targetCursor.error("\(failure)")
            }
        }

        let target: Check.Target
        switch kind {
        case .tcp: target = .tcp(try endpoint(defaultPort: nil))
        case .udp: target = .udp(try endpoint(defaultPort: nil))
        case .stun: target = .stun(try endpoint(defaultPort: 3478))
        case .xmpp:
            var check = XMPPCheck(endpoint: try endpoint(defaultPort: XMPPCheck.defaultPort), domain: domain)
            if let domainCursor = mapping["domain"] {
                let text = try domainCursor.string().lowercased()
                guard case .name = Host(text) else { throw domainCursor.error("\"\(text)\" is not a DNS name") }
                check.domain = text
            }
            check.requireStartTLS = try mapping["require_starttls"]?.bool() ?? true
            if let warnCursor = mapping["warn_days"] { check.warnDays = try warnCursor.int(in: 0...1000) }
            if let caCursor = mapping["ca"] { check.ca = try decodeCAFile(caCursor) }
            target = .xmpp(check)
        case .http, .https:
            let url: HTTPURL
            switch HTTPURL.parse(targetText) {
            case .success(let parsed): url = parsed
            case .failure(let failure): throw targetCursor.error(failure.description)
            }
            guard url.scheme.rawValue == kind.rawValue else {
                throw targetCursor.error(
                    "an \(kind.rawValue) check needs an \(kind.rawValue):// URL, found \"\(targetText)\""
                )
            }
            var check = HTTPCheck(url: url)
            check.expectRedirectToHTTPS = try mapping["expect_redirect_to_https"]?.bool() ?? false
            check.requireHSTS = try mapping["require_hsts"]?.bool() ?? (kind == .https)
            if let statusCursor = mapping["expect_status"] {
                check.expectedStatus = try decodeStatuses(statusCursor)
                if check.expectRedirectToHTTPS {
                    throw statusCursor.error("expect_status and expect_redirect_to_https cannot be combined")
                }
            }
            if let warnCursor = mapping["warn_days"] { check.warnDays = try warnCursor.int(in: 0...1000) }
            if let caCursor = mapping["ca"] { check.ca = try decodeCAFile(caCursor) }
            target = .http(check)
        }

        var check = Check(service: service, target: target, location: kindEntry.keyLocation)
        if let nameCursor = mapping["name"] {
            let name = try nameCursor.string()
            guard SiteDecoder.isValidServiceName(name) else {
                throw nameCursor.error("invalid check name \"\(name)\" (\(SiteDecoder.serviceNamePattern))")
            }
            check.name = name
        }
        if let intervalCursor = mapping["interval"] {
            check.interval = try intervalCursor.duration(in: SiteDecoder.intervalRange)
        }
        if let timeoutCursor = mapping["timeout"] {
            check.timeout = try timeoutCursor.duration(in: .milliseconds(100) ... .seconds(120))
        }
        if let resolveCursor = mapping["resolve"] {
            let text = try resolveCursor.string()
            guard let address = IPAddress(text) else {
                throw resolveCursor.error("resolve needs an IP address, found \"\(text)\"")
            }
            check.resolve = address
        }
        return check
    }

    func decodeStatuses(_ cursor: YAMLCursor) throws(SiteFileError) -> [Int] {
        if case .sequence = cursor.node {
            let statuses = try cursor.sequence().map { (item) throws(SiteFileError) in try item.int(in: 100...599) }
            guard !statuses.isEmpty else { throw cursor.error("list at least one status") }
            return statuses
        }
        return [try cursor.int(in: 100...599)]
    }

    /// A `ca` file: a path on the machine that runs the check, relative to the site file; read when checks
    /// are about to run (`Site.resolving(_:reader:)` (VigieKit)), not here.
    func decodeCAFile(_ cursor: YAMLCursor) throws(SiteFileError) -> SitePath {
        SitePath(
            written: try cursor.string(),
            siteDirectory: baseDirectory,
            location: cursor.location,
            keyPath: cursor.path
        )
    }
}
