import VigieCore

/// Where the bundle's files live on the Jitsi host, and how a service there is reloaded.
///
/// `standard` is a Debian 12 host installed by the bundle's provisioning. Tests render with a
/// layout rooted in a temporary directory, so the real nginx, certbot and logrotate run the same
/// rendered text against files they may write.

public struct InstallLayout: Sendable, Hashable {
    /// The certificate nginx serves (`fullchain.pem`, `privkey.pem`); the certbot deploy hook copies
    /// each renewed certificate here, so nginx never points into certbot's own tree.
    public var tlsDirectory: String
    /// The webroot of ACME http-01 challenges.
    public var acmeWebroot: String
    public var nginxLogDirectory: String
    /// Jitsi Meet's web files and its per-domain configuration.
    public var jitsiMeetRoot: String
    public var jitsiConfigDirectory: String
    /// How the deploy hook makes nginx load a renewed certificate.
    public var nginxReloadCommand: String
    /// The installed `vigie` executable (the package puts it in /usr/bin).
    public var vigieBinary: String

    public static let standard = InstallLayout(
        tlsDirectory: "/etc/vigie/tls",
        acmeWebroot: "/var/www/acme",
        nginxLogDirectory: "/var/log/nginx",
        jitsiMeetRoot: "/usr/share/jitsi-meet",
        jitsiConfigDirectory: "/etc/jitsi/meet",
        nginxReloadCommand: "systemctl reload nginx",
        vigieBinary: "/usr/bin/vigie"
    )

    public init(
        tlsDirectory: String,
        acmeWebroot: String,
        nginxLogDirectory: String,
        jitsiMeetRoot: String,
        jitsiConfigDirectory: String,
        nginxReloadCommand: String,
        vigieBinary: String
    ) {
        self.tlsDirectory = tlsDirectory
        self.acmeWebroot = acmeWebroot
        self.nginxLogDirectory = nginxLogDirectory
        self.jitsiMeetRoot = jitsiMeetRoot
        self.jitsiConfigDirectory = jitsiConfigDirectory
        self.nginxReloadCommand = nginxReloadCommand
        self.vigieBinary = vigieBinary
    }
}
