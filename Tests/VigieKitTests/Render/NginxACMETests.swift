import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The rendered nginx site, run for real on ports 80 and 443 inside a test host (a network
/// namespace of its own), and a real ACME round trip: Debian's pebble issues a certificate to
/// certbot through the site's http-01 path; the rendered deploy hook installs it and reloads
/// nginx; `vigie check` then sees the new certificate. A forced renewal does it again.
@Suite(.serialized) struct NginxACMETests {
    static let domain = "meet.acme.test"

    struct Stage {
        var root: URL
        var bundle: RenderedBundle
        var bundleDirectory: URL
        var namespace: NetworkNamespace
        var daemons: [Daemon] = []

        var nginxArguments: [String] {
            ["-p", root.path, "-c", root.path + "/nginx.conf", "-e", root.path + "/error.log"]
        }
    }

    static func site() -> String {
        """
        site: {name: acme-test, domain: \(domain)}
        hosting:
          provider: manual
        services:
          web:
            unit: nginx
            checks:
              - https: https://\(domain)/
                resolve: 127.0.0.1
        logs:
          directories: [/var/log/nginx]

        """
    }

    /// Renders the bundle with a layout under `root`, writes the nginx wrapper and a first
    /// self-signed certificate (what provision.sh does before Let's Encrypt answers).
    static func prepare() async throws -> Stage {
        let root = try BundleFixture.temporaryDirectory("acme")
        let reload = "/usr/sbin/nginx -p \(root.path) -c \(root.path)/nginx.conf -e \(root.path)/error.log -s reload"
        let layout = BundleFixture.layout(root: root, reload: reload)
        let bundle = try BundleFixture.render(yaml: site(), layout: layout)
        let bundleDirectory = try BundleFixture.written(bundle, "acme-bundle")
        for directory in [
            "tls", "logs", "acme", "jitsi-meet", "tmp", "pebble", "certbot/config", "certbot/work", "certbot/logs",
        ] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(directory),
                withIntermediateDirectories: true
            )
        }
        try "<html>Jitsi Meet</html>\n".write(
            to: root.appendingPathComponent("jitsi-meet/index.html"),
            atomically: true,
            encoding: .utf8
        )
        let selfSigned = try await Shell.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(domain)",
                "-keyout", root.path + "/tls/privkey.pem", "-out", root.path + "/tls/fullchain.pem",
            ]
        )
        try #require(selfSigned.status == 0, "\(selfSigned.standardError)")
        let wrapper = """
            pid \(root.path)/nginx.pid;
            error_log \(root.path)/error.log;
            daemon off;
            events { worker_connections 64; }
            http {
                include /etc/nginx/mime.types;
                client_body_temp_path \(root.path)/tmp/body;
                proxy_temp_path \(root.path)/tmp/proxy;
                fastcgi_temp_path \(root.path)/tmp/fastcgi;
                uwsgi_temp_path \(root.path)/tmp/uwsgi;
                scgi_temp_path \(root.path)/tmp/scgi;
                include \(bundleDirectory.path)/nginx/\(domain).conf;
            }

            """
        try wrapper.write(to: root.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        let namespace = try await NetworkNamespace.create("acme")
        return Stage(root: root, bundle: bundle, bundleDirectory: bundleDirectory, namespace: namespace)
    }

    static func tearDown(_ stage: Stage) async {
        for daemon in stage.daemons.reversed() { await daemon.stop() }
        await stage.namespace.delete()
        try? FileManager.default.removeItem(at: stage.root)
        try? FileManager.default.removeItem(at: stage.bundleDirectory)
    }

    /// SHA-256 fingerprint of the certificate nginx serves for the domain, read inside the namespace.
    static func servedFingerprint(_ stage: Stage) async throws -> String {
        let served = try await stage.namespace.run(
            "/bin/sh",
            [
                "-c",
                "openssl s_client -connect 127.0.0.1:443 -servername \(domain) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256",
            ]
        )
        return served.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func fileFingerprint(_ path: String) async throws -> String {
        try await Shell.run("/usr/bin/openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", path]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func curl(_ stage: Stage, _ arguments: [String]) async throws -> Shell.Result {
        try await stage.namespace.run("/usr/bin/curl", ["-s", "--max-time", "5"] + arguments)
    }

    @Test func nginxServesTheSiteAsRendered() async throws {
        var stage = try await Self.prepare()
        do {
            let test = try await Shell.run("/usr/sbin/nginx", ["-t"] + stage.nginxArguments)
            #expect(test.status == 0, "\(test.standardError)")
            stage.daemons.append(
                try stage.namespace.daemon("/usr/sbin/nginx", stage.nginxArguments, name: "nginx-site")
            )
            let up = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
                try await Self.curl(stage, ["-o", "/dev/null", "http://127.0.0.1/"]).status == 0
            }
            try #require(up, "\(stage.daemons.last?.log ?? "")")

            // HTTP redirects to HTTPS, except the ACME challenges.
            let redirect = try await Self.curl(
                stage,
                [
                    "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-H", "Host: \(Self.domain)",
                    "http://127.0.0.1/SomeRoom?x=1",
                ]
            )
            #expect(redirect.output == "301 https://\(Self.domain)/SomeRoom?x=1")
            try FileManager.default.createDirectory(
                at: stage.root.appendingPathComponent("acme/.well-known/acme-challenge"),
                withIntermediateDirectories: true
            )
            try "token-body".write(
                to: stage.root.appendingPathComponent("acme/.well-known/acme-challenge/abc"),
                atomically: true,
                encoding: .utf8
            )
            let challenge = try await Self.curl(
                stage,
                [
                    "-w", " %{http_code}", "-H", "Host: \(Self.domain)",
                    "http://127.0.0.1/.well-known/acme-challenge/abc",
                ]
            )
            #expect(challenge.output == "token-body 200")

            // HTTPS: TLS 1.2+, HSTS and the security headers; room URLs serve the application.
            let https = try await Self.curl(
                stage,
                [
                    "-k", "-D", "-", "-o", "/dev/null", "--resolve", "\(Self.domain):443:127.0.0.1",
                    "https://\(Self.domain)/MyRoom?room=SecretRoom&jwt=SecretToken",
                ]
            )
            let headers = https.output.lowercased()
            #expect(headers.hasPrefix("http/2 200") || headers.hasPrefix("http/1.1 200"), "\(https.output)")
            #expect(headers.contains("strict-transport-security: max-age=63072000"))
            #expect(headers.contains("x-content-type-options: nosniff"))
            #expect(headers.contains("referrer-policy: no-referrer"))
            let tls11 = try await Self.curl(
                stage,
                [
                    "-k", "--tlsv1.1", "--tls-max", "1.1", "-o", "/dev/null", "--resolve",
                    "\(Self.domain):443:127.0.0.1", "https://\(Self.domain)/",
                ]
            )
            #expect(tls11.status != 0, "TLS 1.1 is refused")
            let tls12 = try await Self.curl(
                stage,
                [
                    "-k", "--tlsv1.2", "--tls-max", "1.2", "-o", "/dev/null", "-w", "%{http_code}", "--resolve",
                    "\(Self.domain):443:127.0.0.1", "https://\(Self.domain)/",
                ]
            )
            #expect(tls12.output == "200")

            // The access log has no query string: no room= and no token.
            let log = try String(
                contentsOf: stage.root.appendingPathComponent("logs/\(Self.domain).access.log"),
                encoding: .utf8
            )
            #expect(log.contains("\"GET /"), "\(log)")
            #expect(!log.contains("SecretRoom") && !log.contains("SecretToken") && !log.contains("x=1"), "\(log)")

            // nginx -t is not lenient: a broken copy of the site fails.
            let site = stage.bundleDirectory.appendingPathComponent("nginx/\(Self.domain).conf")
            let text = try String(contentsOf: site, encoding: .utf8)
            try text.replacingOccurrences(of: "ssl_session_tickets off;", with: "ssl_session_tickets off").write(
                to: site,
                atomically: true,
                encoding: .utf8
            )
            #expect(try await Shell.run("/usr/sbin/nginx", ["-t"] + stage.nginxArguments).status != 0)
        } catch {
            Issue.record(error)
        }
        await Self.tearDown(stage)
    }

    @Test func letsEncryptRoundTripWithPebble() async throws {
        var stage = try await Self.prepare()
        do {
            let root = stage.root.path
            // Pebble's own HTTPS certificate (certbot trusts it through REQUESTS_CA_BUNDLE).
            let pebbleTLS = try await Shell.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pebble", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", root + "/pebble/key.pem", "-out", root + "/pebble/cert.pem",
                ]
            )
            try #require(pebbleTLS.status == 0, "\(pebbleTLS.standardError)")
            let config = """
                {"pebble": {"listenAddress": "127.0.0.1:14000", "managementListenAddress": "127.0.0.1:15000",
                 "certificate": "\(root)/pebble/cert.pem", "privateKey": "\(root)/pebble/key.pem",
                 "httpPort": 80, "tlsPort": 443, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """
            try config.write(toFile: root + "/pebble/config.json", atomically: true, encoding: .utf8)

            // DNS for the test domain: pebble-challtestsrv answers 127.0.0.1 for every name.
            stage.daemons.append(
                try stage.namespace.daemon(
                    "/usr/bin/pebble-challtestsrv",
                    [
                        "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", "127.0.0.1:8053", "-http01", "",
                        "-https01", "", "-tlsalpn01", "", "-management", "127.0.0.1:8055",
                    ],
                    name: "challtestsrv"
                )
            )
            stage.daemons.append(
                try stage.namespace.daemon(
                    "/usr/bin/pebble",
                    ["-config", root + "/pebble/config.json", "-dnsserver", "127.0.0.1:8053"],
                    name: "pebble",
                    environment: ["PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"]
                )
            )
            stage.daemons.append(
                try stage.namespace.daemon("/usr/sbin/nginx", stage.nginxArguments, name: "nginx-acme")
            )
            let ready = await LoopbackHTTP.eventually(timeout: .seconds(60)) {
                let pebble = try await Self.curl(
                    stage,
                    [
                        "--cacert", root + "/pebble/cert.pem", "-o", "/dev/null", "-w", "%{http_code}",
                        "https://127.0.0.1:14000/dir",
                    ]
                )
                let nginx = try await Self.curl(stage, ["-o", "/dev/null", "http://127.0.0.1/"])
                return pebble.output == "200" && nginx.status == 0
            }
            try #require(ready, "\(stage.daemons.map(\.log).joined(separator: "\n"))")
            let selfSigned = try await Self.servedFingerprint(stage)
            #expect(selfSigned == (try await Self.fileFingerprint(root + "/tls/fullchain.pem")))

            let certbotDirectories = [
                "--config-dir", root + "/certbot/config", "--work-dir", root + "/certbot/work", "--logs-dir",
                root + "/certbot/logs",
            ]
            let environment = [
                "REQUESTS_CA_BUNDLE": root + "/pebble/cert.pem",
                "VIGIE_DEPLOY_HOOK": "/bin/bash " + stage.bundleDirectory.path + "/certbot/deploy-hook.sh",
            ]
            let obtain = try await stage.namespace.run(
                "/bin/bash",
                [
                    stage.bundleDirectory.path + "/certbot/obtain-certificate.sh", "--server",
                    "https://127.0.0.1:14000/dir",
                ] + certbotDirectories,
                environment: environment
            )
            try #require(obtain.status == 0, "certbot: \(obtain.output)\(obtain.standardError)")
            #expect(
                obtain.output.contains("vigie deploy hook: \(Self.domain) certificate installed"),
                "\(obtain.output)"
            )

            let issued = try await Self.fileFingerprint(root + "/tls/fullchain.pem")
            #expect(issued != selfSigned, "the deploy hook replaced the certificate")
            #expect(try await Self.servedFingerprint(stage) == issued, "nginx reloaded and serves it")
            #expect(BundleWriter.currentMode(root + "/tls/privkey.pem") == 0o600)

            // Vigie's https probe sees it: issued by Pebble, valid for the name, trusted through Pebble's root.
            let rootCA = try await Self.curl(
                stage,
                ["--cacert", root + "/pebble/cert.pem", "https://127.0.0.1:15000/roots/0"]
            )
            try rootCA.output.write(toFile: root + "/pebble-root.pem", atomically: true, encoding: .utf8)
            let probeSite = Self.site().replacingOccurrences(
                of: "resolve: 127.0.0.1",
                with: "resolve: 127.0.0.1\n        ca: \(root)/pebble-root.pem"
            )
            try probeSite.write(toFile: root + "/probe.yml", atomically: true, encoding: .utf8)
            let check = try await stage.namespace.run(
                VigieCLITests.binary,
                ["check", "--site", root + "/probe.yml", "--json"]
            )
            #expect(check.status == 0, "\(check.output)\(check.standardError)")
            let result = try JSONValue.parse(check.output)
            if case .array(let results) = result["results"], let https = results.first {
                #expect(https["verdict"]?.stringValue == "pass")
                #expect(https["tls"]?["issuer"]?.stringValue?.contains("Pebble") == true, "\(check.output)")
                #expect(https["tls"]?["hostname_ok"] == .bool(true))
            } else {
                Issue.record("no result: \(check.output)")
            }

            // Renewal (what certbot.timer runs): a new certificate, installed and served again.
            let renew = try await stage.namespace.run(
                "/usr/bin/certbot",
                [
                    "renew", "--force-renewal", "--no-random-sleep-on-renew", "--non-interactive", "--server",
                    "https://127.0.0.1:14000/dir",
                ] + certbotDirectories,
                environment: environment
            )
            #expect(renew.status == 0, "\(renew.output)\(renew.standardError)")
            let renewed = try await Self.fileFingerprint(root + "/tls/fullchain.pem")
            #expect(renewed != issued, "a renewed certificate")
            #expect(try await Self.servedFingerprint(stage) == renewed)
        } catch {
            Issue.record(error)
        }
        await Self.tearDown(stage)
    }
}
