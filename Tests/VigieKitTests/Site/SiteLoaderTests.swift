import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

@Suite struct SiteLoaderTests {
    static let issueExample = """
        site:
          name: visio-pme
          domain: meet.example.org
          lang: fr                      # fr | en — language of generated reports
        hosting:
          provider: gcp                 # gcp | infomaniak | manual
          region: europe-west9
          public_address: 203.0.113.10
        services:
          web:
            unit: nginx
            checks:
              - https: https://meet.example.org/
              - http: http://meet.example.org/       # expects a redirect to https
                expect_redirect_to_https: true
              - tcp: meet.example.org:443
          xmpp:
            unit: prosody
            checks:
              - xmpp: 127.0.0.1:5222
                domain: meet.example.org
          turn:
            unit: coturn
            checks:
              - stun: meet.example.org:3478
          videobridge:
            unit: jitsi-videobridge2
            checks:
              - udp: meet.example.org:10000          # see section 3
              - http: http://127.0.0.1:8080/about/health
        """

    @Test func decodesTheShapeOfTheIssue() throws {
        let site = try SiteBuilder.site(Self.issueExample)
        #expect(site.name == "visio-pme")
        #expect(site.domain == "meet.example.org")
        #expect(site.language == .fr)
        #expect(site.hosting.provider == .gcp)
        #expect(site.hosting.region == "europe-west9")
        #expect(site.hosting.publicAddress == IPAddress("203.0.113.10"))
        #expect(site.services.map(\.name) == ["web", "xmpp", "turn", "videobridge"])
        #expect(site.services.map(\.unit) == ["nginx", "prosody", "coturn", "jitsi-videobridge2"])
        #expect(site.checks.map(\.kind) == [.https, .http, .tcp, .xmpp, .stun, .udp, .http])

        let https = try #require(site.checks.first)
        guard case .http(let httpsCheck) = https.target else { Issue.record("not http"); return }
        #expect(httpsCheck.requireHSTS)
        #expect(httpsCheck.url.port == 443)
        #expect(https.timeout == .seconds(5))
        #expect(https.location == SourceLocation(line: 13, column: 9))

        guard case .http(let redirect) = site.checks[1].target else { Issue.record("not http"); return }
        #expect(redirect.expectRedirectToHTTPS)
        #expect(!redirect.requireHSTS)

        guard case .xmpp(let xmpp) = site.checks[3].target else { Issue.record("not xmpp"); return }
        #expect(xmpp.domain == "meet.example.org")
        #expect(xmpp.endpoint.port == 5222)
        #expect(site.checks[4].endpoint.port == 3478)
        #expect(site.checks[5].transport == .udp)
    }

    @Test func shippedExamplesAreValid() throws {
        for name in ["Examples/vigie.yml", "Lab/vigie-lab.yml", "Lab/vigie-lab-broken.yml"] {
            let path = Lab.packageRoot.appendingPathComponent(name).path
            // The lab files name the lab CA, which exists only once the lab is up; check the rest.
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "ca: /tmp/vigie-lab/ca.pem", with: "ca: \(Self.anyPEM())")
            let site = try SiteLoader.decode(yaml: text, file: name, baseDirectory: "/")
            #expect(!site.checks.isEmpty, "\(name)")
        }
    }

    @Test func defaultsApply() throws {
        let site = try SiteBuilder.site(
            """
            site: {name: s, domain: Meet.Example.ORG}
            services:
              web:
                checks:
                  - xmpp: 127.0.0.1
                  - stun: turn.example.org
            """
        )
        #expect(site.language == .en)
        #expect(site.hosting.provider == .manual)
        #expect(site.domain == "meet.example.org")
        guard case .xmpp(let xmpp) = site.checks[0].target else { Issue.record("not xmpp"); return }
        #expect(xmpp.domain == "meet.example.org", "the xmpp domain defaults to the site's")
        #expect(xmpp.requireStartTLS)
        #expect(site.checks[1].endpoint == Endpoint(host: .name("turn.example.org"), port: 3478))
    }

    @Test func optionsAreRead() throws {
        let site = try SiteBuilder.site(
            checks: """
                          - https: https://[2001:db8::1]:8443/health?full=1#frag
                            timeout: 1m30s
                            resolve: 127.0.0.1
                            require_hsts: false
                            warn_days: 30
                            expect_status: [200, 204]
                """
        )
        let check = try #require(site.checks.first)
        #expect(check.timeout == .seconds(90))
        #expect(check.resolve == IPAddress("127.0.0.1"))
        guard case .http(let http) = check.target else { Issue.record("not http"); return }
        #expect(http.url.host == .address(IPAddress("2001:db8::1")!))
        #expect(http.url.port == 8443)
        #expect(http.url.requestTarget == "/health?full=1")
        #expect(!http.requireHSTS)
        #expect(http.warnDays == 30)
        #expect(http.expectedStatus == [200, 204])
        #expect(check.targetDescription == "https://[2001:db8::1]:8443/health?full=1")
    }

    @Test func namesIntervalsAndCollectors() throws {
        let site = try SiteBuilder.site(
            """
            site: {name: s, domain: meet.example.org}
            services:
              web:
                interval: 10s
                checks:
                  - tcp: meet.example.org:443
                  - tcp: meet.example.org:80
                    interval: 1m
                  - https: https://meet.example.org/
                    name: front-page
                  - http: http://meet.example.org/
              videobridge-1:
                collect:
                  - jvb_metrics: http://127.0.0.1:8080/metrics
                  - jvb_colibri_stats: http://127.0.0.1:8080/colibri/stats
                    interval: 5s
                    timeout: 2s
            """
        )
        #expect(site.checks.map(\.name) == ["tcp-1", "tcp-2", "front-page", "http"])
        #expect(site.checks.map(\.interval) == [.seconds(10), .seconds(60), .seconds(10), .seconds(10)])
        #expect(site.collectors.map(\.kind) == [.jvbMetrics, .jvbColibriStats])
        #expect(site.collectors.map(\.interval) == [Collector.defaultInterval, .seconds(5)])
        #expect(site.collectors[1].timeout == .seconds(2))
        #expect(site.collectors[0].id == "videobridge-1/jvb_metrics")
        #expect(
            Allowlist(site: site).contains(
                Endpoint(host: .address(IPAddress("127.0.0.1")!), port: 8080),
                transport: .tcp
            )
        )
        #expect(site.services[0].checks.first?.interval == .seconds(10))
        let defaults = try SiteBuilder.site(checks: "      - tcp: a.org:1")
        #expect(defaults.checks[0].interval == Check.defaultInterval)
    }

    @Test func remediationIncidentsAndWebhook() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-site-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "a-token-of-more-than-16-characters\n".write(
            to: directory.appendingPathComponent("webhook.token"),
            atomically: true,
            encoding: .utf8
        )
        try "s3cret\n".write(to: directory.appendingPathComponent("db.password"), atomically: true, encoding: .utf8)
        let site = try SiteBuilder.site(
            """
            site: {name: s, domain: meet.example.org}
            incidents:
              database: postgresql://vigie@db.internal:5433/register?sslmode=require
              password_file: db.password
              open_after: 5
              close_after: 3
              significant_after: 1h
            webhook: {token_file: webhook.token}
            services:
              xmpp:
                unit: prosody
                remediation: {restart_after: 2, cooldown: 30s, max_restarts: 4, window: 2h, timeout: 20s}
              videobridge:
                unit: jitsi-videobridge2
                remediation:
                  command: [/usr/local/bin/restart-jvb, jitsi-videobridge2]
                  drain: {url: http://127.0.0.1:8080, deadline: 5m}
            """,
            baseDirectory: directory.path
        ).resolving(.all)
        let xmpp = try #require(site.services[0].remediation)
        #expect(
            xmpp
                == RemediationPolicy(
                    restartAfter: 2,
                    cooldown: .seconds(30),
                    maxRestarts: 4,
                    window: .seconds(7200),
                    command: ["/usr/bin/systemctl", "restart", "prosody"],
                    commandTimeout: .seconds(20)
                )
        )
        let jvb = try #require(site.services[1].remediation)
        #expect(jvb.command == ["/usr/local/bin/restart-jvb", "jitsi-videobridge2"])
        #expect(jvb.drain?.deadline == .seconds(300))
        #expect(
            Allowlist(site: site).contains(
                Endpoint(host: .address(IPAddress("127.0.0.1")!), port: 8080),
                transport: .tcp
            )
        )
        let database = try #require(site.incidents.database)
        #expect(database.host == "db.internal")
        #expect(database.port == 5433)
        #expect(database.username == "vigie")
        #expect(database.database == "register")
        #expect(database.password == "s3cret")
        #expect(site.incidents.openAfter == 5)
        #expect(site.incidents.closeAfter == 3)
        #expect(site.incidents.significantAfter == .seconds(3600))
        #expect(site.webhook?.token == "a-token-of-more-than-16-characters")
    }

    @Test func relativeCAPathIsRelativeToTheSiteFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-site-\(UUID())")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("pki"),
            withIntermediateDirectories: true
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            atPath: Self.anyPEM(),
            toPath: directory.appendingPathComponent("pki/ca.pem").path
        )
        let file = directory.appendingPathComponent("vigie.yml")
        try """
        site: {name: s, domain: meet.example.org}
        services:
          web:
            checks:
              - https: https://meet.example.org/
                ca: pki/ca.pem
        """.write(to: file, atomically: true, encoding: .utf8)
        let site = try SiteLoader.load(path: file.path)
        guard case .http(let http) = site.checks[0].target else { Issue.record("not http"); return }
        #expect(http.caFile == directory.appendingPathComponent("pki/ca.pem").path)
    }

    // MARK: - errors: each names the file, the line, the column and the key

    struct BadFile: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var line: Int?
        var column: Int?
        var keyPath: String
        var message: String
        var testDescription: String { name }
    }

    static let badFiles: [BadFile] = [
        BadFile(
            name: "unknown key, with a suggestion",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    chekcs: []\n",
            line: 5,
            column: 5,
            keyPath: "services.web.chekcs",
            message: "unknown key \"chekcs\" (did you mean \"checks\"?)"
        ),
        BadFile(
            name: "unknown top-level key",
            yaml: "site: {name: s, domain: d.org}\nservices: {web: {}}\nfrobnicate: 1\n",
            line: 3,
            column: 1,
            keyPath: "frobnicate",
            message: "unknown key \"frobnicate\""
        ),
        BadFile(
            name: "wrong type",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      tcp: a.org:1\n",
            line: 5,
            column: 7,
            keyPath: "services.web.checks",
            message: "expected a list, found a mapping"
        ),
        BadFile(
            name: "bad URL",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - https: meet.example.org\n",
            line: 5,
            column: 16,
            keyPath: "services.web.checks[0].https",
            message: "not an absolute URL"
        ),
        BadFile(
            name: "URL scheme does not match the kind",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - https: http://d.org/\n",
            line: 5,
            column: 16,
            keyPath: "services.web.checks[0].https",
            message: "an https check needs an https:// URL"
        ),
        BadFile(
            name: "port out of range",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:70000\n",
            line: 5,
            column: 14,
            keyPath: "services.web.checks[0].tcp",
            message: "port 70000 out of range (1-65535)"
        ),
        BadFile(
            name: "port zero",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - udp: d.org:0\n",
            line: 5,
            column: 14,
            keyPath: "services.web.checks[0].udp",
            message: "port 0 out of range"
        ),
        BadFile(
            name: "missing port",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org\n",
            line: 5,
            column: 14,
            keyPath: "services.web.checks[0].tcp",
            message: "missing port"
        ),
        BadFile(
            name: "duplicate service names",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n  xmpp:\n    unit: prosody\n  web:\n    unit: apache2\n",
            line: 7,
            column: 3,
            keyPath: "",
            message: "duplicate key \"web\" (first at line 3)"
        ),
        BadFile(
            name: "bad duration",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n        timeout: 3x\n",
            line: 6,
            column: 18,
            keyPath: "services.web.checks[0].timeout",
            message: "invalid duration \"3x\""
        ),
        BadFile(
            name: "duration without unit",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n        timeout: 5\n",
            line: 6,
            column: 18,
            keyPath: "services.web.checks[0].timeout",
            message: "write it with a unit"
        ),
        BadFile(
            name: "missing site name",
            yaml: "site: {domain: d.org}\nservices: {web: {}}\n",
            line: 1,
            column: 7,
            keyPath: "site",
            message: "missing required key \"name\""
        ),
        BadFile(
            name: "missing services",
            yaml: "site: {name: s, domain: d.org}\n",
            line: 1,
            column: 1,
            keyPath: "",
            message: "missing required key \"services\""
        ),
        BadFile(
            name: "two kinds in one check",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n        udp: d.org:1\n",
            line: 5,
            column: 9,
            keyPath: "services.web.checks[0]",
            message: "exactly one kind, found tcp and udp"
        ),
        BadFile(
            name: "no kind in a check",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - timeout: 5s\n",
            line: 5,
            column: 9,
            keyPath: "services.web.checks[0]",
            message: "a check needs one of: tcp, udp"
        ),
        BadFile(
            name: "option of another kind",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n        require_hsts: false\n",
            line: 6,
            column: 9,
            keyPath: "services.web.checks[0].require_hsts",
            message: "unknown key \"require_hsts\""
        ),
        BadFile(
            name: "not a boolean",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - https: https://d.org/\n        require_hsts: maybe\n",
            line: 6,
            column: 23,
            keyPath: "services.web.checks[0].require_hsts",
            message: "expected true or false"
        ),
        BadFile(
            name: "language not supported",
            yaml: "site: {name: s, domain: d.org, lang: de}\nservices: {web: {}}\n",
            line: 1,
            column: 38,
            keyPath: "site.lang",
            message: "\"de\" is not one of: fr, en"
        ),
        BadFile(
            name: "provider not supported",
            yaml: "site: {name: s, domain: d.org}\nhosting:\n  provider: aws\nservices: {web: {}}\n",
            line: 3,
            column: 13,
            keyPath: "hosting.provider",
            message: "\"aws\" is not one of: gcp, infomaniak, manual"
        ),
        BadFile(
            name: "resolve is not an address",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n        resolve: localhost\n",
            line: 6,
            column: 18,
            keyPath: "services.web.checks[0].resolve",
            message: "resolve needs an IP address"
        ),
        BadFile(
            name: "invalid unit name",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: \"nginx; rm -rf /\"\n",
            line: 4,
            column: 11,
            keyPath: "services.web.unit",
            message: "not a valid systemd unit name"
        ),
        BadFile(
            name: "invalid service name",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  Web Server: {}\n",
            line: 3,
            column: 3,
            keyPath: "services.Web Server",
            message: "invalid service name"
        ),
        BadFile(
            name: "missing CA file",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - https: https://d.org/\n        ca: /nonexistent/ca.pem\n",
            line: 6,
            column: 13,
            keyPath: "services.web.checks[0].ca",
            message: "cannot read the CA file /nonexistent/ca.pem: No such file"
        ),
        BadFile(
            name: "duplicate check",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n      - tcp: d.org:1\n",
            line: 6,
            column: 9,
            keyPath: "services.web.checks[1]",
            message: "duplicate check: tcp d.org:1"
        ),
        BadFile(
            name: "invalid YAML",
            yaml: "site: {name: s, domain: d.org\nservices: {}\n",
            line: 2,
            column: 9,
            keyPath: "",
            message: "invalid YAML"
        ),
        BadFile(
            name: "credentials in a URL",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - https: https://admin:pw@d.org/\n",
            line: 5,
            column: 16,
            keyPath: "services.web.checks[0].https",
            message: "carries credentials"
        ),
        BadFile(
            name: "status out of range",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - http: http://d.org/\n        expect_status: 999\n",
            line: 6,
            column: 24,
            keyPath: "services.web.checks[0].expect_status",
            message: "999 is out of range (100-599)"
        ),
        BadFile(
            name: "unknown collector",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  jvb:\n    collect:\n      - jvb_stats: http://127.0.0.1:8080/\n",
            line: 5,
            column: 9,
            keyPath: "services.jvb.collect[0]",
            message: "a collector needs one of: jvb_metrics, jvb_colibri_stats"
        ),
        BadFile(
            name: "duplicate collector",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  jvb:\n    collect:\n      - jvb_metrics: http://127.0.0.1:8080/metrics\n      - jvb_metrics: http://127.0.0.1:8081/metrics\n",
            line: 6,
            column: 9,
            keyPath: "services.jvb.collect[1]",
            message: "duplicate collector: jvb_metrics"
        ),
        BadFile(
            name: "collector URL",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  jvb:\n    collect:\n      - jicofo_stats: 127.0.0.1:8888/stats\n",
            line: 5,
            column: 23,
            keyPath: "services.jvb.collect[0].jicofo_stats",
            message: "not an absolute URL"
        ),
        BadFile(
            name: "check names collide",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n      - udp: d.org:1\n        name: tcp\n",
            line: 7,
            column: 15,
            keyPath: "services.web.checks[1].name",
            message: "check name \"tcp\" is used twice"
        ),
        BadFile(
            name: "invalid check name",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - tcp: d.org:1\n        name: \"Front Page\"\n",
            line: 6,
            column: 15,
            keyPath: "services.web.checks[0].name",
            message: "invalid check name"
        ),
        BadFile(
            name: "interval too short",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    interval: 50ms\n",
            line: 4,
            column: 15,
            keyPath: "services.web.interval",
            message: "50ms is out of range (100ms-1d)"
        ),
        BadFile(
            name: "remediation without a unit",
            yaml: "site: {name: s, domain: d.org}\nservices:\n  web:\n    remediation: {restart_after: 2}\n",
            line: 4,
            column: 18,
            keyPath: "services.web.remediation",
            message: "remediation needs the service's unit"
        ),
        BadFile(
            name: "a restart command for another unit",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/bin/systemctl, restart, sshd]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message:
                "systemctl may only be given `restart`, `try-restart` or `reload-or-restart` and the unit \"nginx\""
        ),
        BadFile(
            name: "a shell naming the unit only as an argument",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/bin/sh, -c, \"echo anything\", nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "sh runs whatever its arguments say"
        ),
        BadFile(
            name: "env in front of a shell",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/bin/env, bash, -c, x, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "env runs whatever its arguments say"
        ),
        BadFile(
            name: "a versioned interpreter",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/bin/python3.11, /tmp/x.py, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "python3.11 runs whatever its arguments say"
        ),
        BadFile(
            name: "systemctl stopping the unit",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/bin/systemctl, stop, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "systemctl may only be given"
        ),
        BadFile(
            name: "systemctl restarting two units",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/bin/systemctl, restart, nginx, sshd]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "systemctl may only be given"
        ),
        BadFile(
            name: "systemctl looked up in PATH",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [systemctl, restart, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "give the program by its absolute path (systemctl would be looked up in PATH): /usr/bin/systemctl"
        ),
        BadFile(
            name: "a runner not on any list, carrying a shell",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/local/bin/myrunner, /bin/sh, -c, \"id\", nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "a program of yours is given exactly one argument"
        ),
        BadFile(
            name: "prlimit in front of a shell",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/bin/prlimit, /bin/sh, -c, x, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "prlimit runs whatever its arguments say"
        ),
        BadFile(
            name: "the dynamic loader",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/lib64/ld-linux-x86-64.so.2, /bin/sh, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "ld-linux-x86-64.so.2 runs whatever its arguments say"
        ),
        BadFile(
            name: "a program path with a parent component",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/bin/../bin/sh, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "the program's path may hold only"
        ),
        BadFile(
            name: "a program looked up in PATH",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [restart-web, nginx]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "give the program by its absolute path"
        ),
        BadFile(
            name: "a program not given the unit",
            yaml:
                "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation:\n      command: [/usr/local/sbin/restart-web, sshd]\n",
            line: 6,
            column: 16,
            keyPath: "services.web.remediation.command",
            message: "a program of yours is given exactly one argument, the service's unit \"nginx\""
        ),
        BadFile(
            name: "a password in the database URL",
            yaml:
                "site: {name: s, domain: d.org}\nincidents: {database: \"postgresql://vigie:pw@db/vigie\"}\nservices: {web: {}}\n",
            line: 2,
            column: 23,
            keyPath: "incidents.database",
            message: "do not put the password in the URL"
        ),
        BadFile(
            name: "not a PostgreSQL URL",
            yaml: "site: {name: s, domain: d.org}\nincidents: {database: mysql://db/vigie}\nservices: {web: {}}\n",
            line: 2,
            column: 23,
            keyPath: "incidents.database",
            message: "expected a postgresql:// URL"
        ),
        BadFile(
            name: "missing webhook token file",
            yaml: "site: {name: s, domain: d.org}\nwebhook: {token_file: /nonexistent/token}\nservices: {web: {}}\n",
            line: 2,
            column: 23,
            keyPath: "webhook.token_file",
            message: "cannot read the webhook token file /nonexistent/token: No such file"
        ),
        BadFile(
            name: "top level is a list",
            yaml: "- a\n- b\n",
            line: 1,
            column: 1,
            keyPath: "",
            message: "expected a mapping of keys, found a list"
        ),
        BadFile(
            name: "empty file",
            yaml: "",
            line: nil,
            column: nil,
            keyPath: "",
            message: "the site file is empty"
        ),
    ]

    @Test(arguments: badFiles)
    func badFileIsRefusedWithItsPosition(_ bad: BadFile) throws {
        // Decoding, then reading the files the site names on this host (where a missing CA or token is found).
        let error = #expect(throws: SiteFileError.self) { try SiteBuilder.site(bad.yaml).resolving(.all) }
        let failure = try #require(error)
        #expect(failure.file == "test.yml")
        #expect(failure.location?.line == bad.line, "\(failure)")
        #expect(failure.location?.column == bad.column, "\(failure)")
        #expect(failure.keyPath == bad.keyPath, "\(failure)")
        #expect(failure.message.contains(bad.message), "\(failure)")
        #expect(failure.description.hasPrefix(bad.line.map { "test.yml:\($0):" } ?? "test.yml: "))
    }

    @Test func unreadableFileIsAnError() {
        #expect {
            try SiteLoader.load(path: "/nonexistent/vigie.yml")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/vigie.yml: cannot read the site file")
        }
    }

    /// Any PEM certificate that exists on this machine (the system bundle).
    static func anyPEM() -> String { "/etc/ssl/certs/ca-certificates.crt" }

    // MARK: - hostile input

    @Test(arguments: [
        ("\\n", "U+000A (line feed)"), ("\\r", "U+000D (carriage return)"), ("\\0", "U+0000 (NUL)"),
        ("\\e[2J", "U+001B (escape)"),
        ("\\t", "U+0009 (tab)"), ("\\N", "U+0085 (next line)"), ("\\L", "U+2028 (line separator)"),
        ("\\u202E", "U+202E (right-to-left override)"),
        ("\\x7F", "U+007F (delete)"), ("\\uFEFF", "U+FEFF (byte-order mark)"),
    ])
    func controlCharactersAreRefusedInEveryValue(escape: String, name: String) throws {
        for yaml in [
            "site: {name: \"visio\(escape)pme\", domain: d.org}\nservices: {web: {}}\n",
            "site: {name: s, domain: d.org}\nservices:\n  web:\n    checks:\n      - https: \"https://d.org/\(escape)x\"\n",
            "site: {name: s, domain: d.org}\nservices:\n  web:\n    unit: nginx\n    remediation: {command: [/bin/x, nginx, \"a\(escape)\"]}\n",
        ] {
            let error = try #require(#expect(throws: SiteFileError.self) { try SiteBuilder.site(yaml) })
            #expect(error.message.contains(name), "\(error)")
            #expect(error.location != nil)
            #expect(
                !error.description.unicodeScalars.contains { PrintableText.isForbidden($0) },
                "the message shows, not obeys"
            )
        }
        // In a key too, and the message quotes it with the character shown.
        let key = try #require(
            #expect(throws: SiteFileError.self) {
                try SiteBuilder.site("site: {name: s, domain: d.org}\n\"web\(escape)\": 1\nservices: {web: {}}\n")
            }
        )
        #expect(key.message.contains(name) && key.location?.line == 2, "\(key)")
    }

    /// A few hundred bytes whose aliases would expand to 10^8 nodes: refused before they are composed.
    @Test func aliasesAreRefusedBeforeComposition() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            yaml +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        yaml += "? *a8\n: boom\nsite: {name: s, domain: d.org}\nservices: {web: {}}\n"
        let error = try #require(#expect(throws: SiteFileError.self) { try SiteBuilder.site(yaml) })
        #expect(error.location == SourceLocation(line: 2, column: 10), "\(error)")
        #expect(error.message.contains("YAML aliases are not accepted"))
        // `*` in a comment is fine; in a value, refused with its place.
        #expect(throws: Never.self) {
            try SiteBuilder.site("# *** the lab ***\nsite: {name: s, domain: d.org}  # *\nservices: {web: {}}\n")
        }
        let star = try #require(
            #expect(throws: SiteFileError.self) {
                try SiteBuilder.site("site: {name: 'a*b', domain: d.org}\nservices: {web: {}}\n")
            }
        )
        #expect(star.location == SourceLocation(line: 1, column: 16))
        // A quoted '#' does not start a comment that could hide an alias after it.
        #expect(throws: SiteFileError.self) {
            try SiteBuilder.site("x: ['# ', *y]\nsite: {name: s, domain: d.org}\nservices: {web: {}}\n")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep =
            "site: {name: s, domain: d.org}\nservices: {web: {}}\nx: " + String(repeating: "[", count: 5000)
            + String(repeating: "]", count: 5000) + "\n"
        let error = try #require(#expect(throws: SiteFileError.self) { try SiteBuilder.site(deep) })
        #expect(error.message.contains("invalid YAML"), "\(error)")
        let nested =
            "site: {name: s, domain: d.org}\nservices: {web: {}}\nx: " + String(repeating: "[", count: 900)
            + String(repeating: "]", count: 900) + "\n"
        #expect(throws: SiteFileError.self) { try SiteBuilder.site(nested) }
    }

    /// Decoding reads no file and no environment variable; the host's files are read on request, with bounds.
    @Test func secretsAreReadOnTheHostOnly() throws {
        let yaml = """
            site: {name: s, domain: d.org}
            incidents: {database: "postgresql://vigie@db.example.org/register", password_file: secrets/db.password}
            webhook: {token_file: webhook.token}
            services:
              web:
                checks:
                  - https: https://d.org/
                    ca: /srv/ca.pem
            """
        let site = try SiteBuilder.site(yaml, baseDirectory: "/etc/vigie")
        #expect(site.webhook?.token == nil)
        #expect(site.webhook?.tokenFile.local == "/etc/vigie/webhook.token")
        #expect(site.incidents.passwordFile?.written == "secrets/db.password")
        #expect(site.incidents.database?.password == nil)

        let files: [String: String] = [
            "/etc/vigie/webhook.token": "  0123456789abcdef0123\n", "/etc/vigie/secrets/db.password": "s3cret\n",
        ]
        let reader = HostFileReader(environment: ["VIGIE_DATABASE_PASSWORD": "from-the-environment"]) { path, limit in
            guard let text = files[path] else { return .failure(.init("No such file or directory")) }
            return .success(Array(text.utf8))
        }
        let resolved = try site.resolving(.secrets, reader: reader)
        #expect(resolved.webhook?.token == "0123456789abcdef0123")
        #expect(resolved.incidents.database?.password == "s3cret", "the file wins over the environment")
        let ca = try #require(#expect(throws: SiteFileError.self) { try site.resolving(.caFiles, reader: reader) })
        #expect(ca.keyPath == "services.web.checks[0].ca" && ca.location?.line == 8, "\(ca)")

        // Without a password file, the environment (of the injected reader, not of this process).
        let environmentOnly = try SiteBuilder.site(
            yaml.replacingOccurrences(of: ", password_file: secrets/db.password", with: ""),
            baseDirectory: "/etc/vigie"
        )
        #expect(
            try environmentOnly.resolving(.secrets, reader: reader).incidents.database?.password
                == "from-the-environment"
        )

        // A short token, a token of two lines, a device, a FIFO, a file too large: each refused at its key.
        let short = HostFileReader(environment: [:]) { _, _ in .success(Array("short\n".utf8)) }
        #expect(throws: SiteFileError.self) { try site.resolving(.secrets, reader: short) }
        let twoLines = HostFileReader(environment: [:]) { _, _ in
            .success(Array("0123456789abcdef0123\nsecond line\n".utf8))
        }
        #expect(throws: SiteFileError.self) { try site.resolving(.secrets, reader: twoLines) }
        #expect(HostFileReader.readRegularFile("/dev/zero", limit: 100).isFailure)
        #expect(HostFileReader.readRegularFile("/dev/null", limit: 100).isFailure)
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fifo-\(UUID())").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        #expect(HostFileReader.readRegularFile(fifo, limit: 100).isFailure, "a FIFO is refused, not waited on")
        let large = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-large-\(UUID())").path
        try String(repeating: "x", count: 200).write(toFile: large, atomically: true, encoding: .utf8)
        defer { unlink(large) }
        #expect(HostFileReader.readRegularFile(large, limit: 100).isFailure)
        #expect(try HostFileReader.readRegularFile(large, limit: 200).get().count == 200)
    }

    @Test func hostPathsAreRefusedWhenTheyCannotBeWrittenIntoTheBundle() throws {
        for (key, value) in [
            ("token_file", "/etc/vigie/web hook.token"), ("token_file", "../token"), ("token_file", "/etc//x"),
            ("token_file", "-x"),
        ] {
            let error = try #require(
                #expect(throws: SiteFileError.self) {
                    try SiteBuilder.site(
                        "site: {name: s, domain: d.org}\nwebhook: {\(key): '\(value)'}\nservices: {web: {}}\n"
                    )
                }
            )
            #expect(error.keyPath == "webhook.\(key)" && error.location?.line == 2, "\(value): \(error)")
        }
        #expect(
            try SiteBuilder.site(
                "site: {name: s, domain: d.org}\nlogs: {key_directory: keys/}\nservices: {web: {}}\n",
                baseDirectory: "/etc/vigie"
            ).logs.keyDirectory?.local == "/etc/vigie/keys"
        )
    }

    /// Line breaks YAML reads but a reader of the file (and the alias rule) might not; raw control
    /// characters and tabs in the indentation, each named at its place; a leading byte-order mark is fine.
    @Test func lineBreaksControlCharactersAndTabsAreNamedAtTheirPlace() throws {
        let valid = "site: {name: s, domain: d.org}\nservices: {web: {}}\n"
        for (text, line, column, message) in [
            (
                "# c\rsite: {name: &n s, domain: d.org}\rservices: {web: {}}\rx: *n\r", 1, 4,
                "carriage return without a line feed"
            ),
            (
                "site: {name: s, domain: d.org}\u{85}services: {web: {}}\n", 1, 31,
                "U+0085 (next line) used as a line break"
            ),
            (
                "site: {name: s, domain: d.org}\nservices:\u{2028}  web: {}\n", 2, 10,
                "U+2028 (line separator) used as a line break"
            ),
            ("site: {name: s, domain: d.org}\nservices: {web: {}}\u{2029}\n", 2, 20, "U+2029 (paragraph separator)"),
            ("site: {name: s\u{1B}[2J, domain: d.org}\nservices: {web: {}}\n", 1, 15, "U+001B (escape) in the file"),
            ("site: {name: s, domain: d.org}\nservices:\n\tweb: {}\n", 3, 1, "a tab in the indentation"),
            ("site: {name: s, domain: d.org}\nservices: {web: {}}\n\u{7F}\n", 3, 1, "U+007F (delete) in the file"),
        ] {
            let error = try #require(#expect(throws: SiteFileError.self) { try SiteBuilder.site(text) })
            #expect(error.location == SourceLocation(line: line, column: column), "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
        #expect(try SiteBuilder.site("\u{FEFF}" + valid).name == "s", "a byte-order mark at the start is allowed")
        #expect(
            try SiteBuilder.site(valid.replacingOccurrences(of: "\n", with: "\r\n")).name == "s",
            "CRLF is a line break"
        )
        // Invisible characters are refused in a name like control characters.
        for invisible in ["\u{3164}", "\u{FE0F}", "\u{200D}", "\u{2800}", "\u{00A0}"] {
            #expect(throws: SiteFileError.self, "\(invisible.unicodeScalars.first!.value)") {
                try SiteBuilder.site("site: {name: \"visio\(invisible)\", domain: d.org}\nservices: {web: {}}\n")
            }
        }
    }

    /// A log directory that is, or is under, a system directory is refused: the purge runs as root and
    /// `libc.so.6` looks like a rotated log.
    @Test func systemDirectoriesAreNotLogDirectories() throws {
        for directory in ["/usr/lib/x86_64-linux-gnu", "/etc", "/usr", "/var/lib/prosody", "/bin", "/var/log/./x"] {
            let error = try #require(
                #expect(throws: SiteFileError.self) {
                    try SiteBuilder.site(
                        "site: {name: s, domain: d.org}\nservices: {web: {}}\nlogs: {directories: [\(directory)]}\n"
                    )
                }
            )
            #expect(error.keyPath == "logs.directories[0]", "\(directory): \(error)")
        }
        #expect(
            try SiteBuilder.site(
                "site: {name: s, domain: d.org}\nservices: {web: {}}\nlogs: {directories: [/var/log/jitsi, /opt/jitsi/logs]}\n"
            ).logs.directories.count == 2
        )
    }

    /// The legitimate forms of the rule: the unit written either way, on either side.
    @Test func restartCommandsThatMayRun() {
        #expect(
            RemediationPolicy.refusal(of: ["/usr/bin/systemctl", "restart", "prosody"], unit: "prosody.service") == nil
        )
        #expect(
            RemediationPolicy.refusal(of: ["/bin/systemctl", "try-restart", "prosody.service"], unit: "prosody") == nil
        )
        #expect(
            RemediationPolicy.refusal(
                of: ["/usr/local/sbin/restart-jvb", "jitsi-videobridge2.service"],
                unit: "jitsi-videobridge2"
            ) == nil
        )
        #expect(
            RemediationPolicy.refusal(
                of: ["/usr/local/sbin/restart-jvb", "jitsi-videobridge2", "--graceful"],
                unit: "jitsi-videobridge2"
            ) != nil
        )
        #expect(
            RemediationPolicy.refusal(of: ["/usr/bin/systemctl", "--now", "restart", "prosody"], unit: "prosody") != nil
        )
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }

}
