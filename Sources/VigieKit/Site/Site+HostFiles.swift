import CSystemShims

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
public import VigieCore

// Decoding a site file reads nothing but the site file: the secrets and CA files it names are
// paths on the Jitsi host, and `vigie render` or `vigie validate` on a workstation must neither need
// them nor copy the workstation's paths into the bundle. The commands that run on the host — the
// agent, the register and log commands, `vigie check` for its CA files — resolve them here, and a
// missing or unreadable file is an error naming the key that names it.

extension Site {
    /// The longest secret file read (a token or a password is a line).
    static let secretLimit = 64 << 10
    /// The longest CA file read.
    static let caFileLimit = 4 << 20

    /// The site with the files it names on this host read and checked.
    ///
    /// - Throws: ``SiteFileError`` at the key that names a missing, unreadable, empty or invalid file.
    public func resolving(_ files: HostFiles, reader: HostFileReader = .system) throws(SiteFileError) -> Site {
        var site = self
        if files.contains(.caFiles) {
            // Each file read once, however many checks name it; what was read is what the probes trust.
            var contents: [String: [UInt8]] = [:]
            for check in checks {
                guard let ca = check.ca else { continue }
                let caFile = ca.local
                guard contents[caFile] == nil else { continue }
                let failure: String
                switch reader.read(caFile, Site.caFileLimit) {
                case .failure(let why): failure = "cannot read the CA file \(caFile): \(why)"
                case .success(let bytes):
                    switch TrustAnchors.parsePEM(String(decoding: bytes, as: UTF8.self), path: caFile) {
                    case .success:
                        contents[caFile] = bytes
                        continue
                    case .failure(let why): failure = why.description
                    }
                }
                throw error(at: ca, failure)
            }
            site.caFileContents = contents
        }
        if files.contains(.webhookToken), var webhook = site.webhook {
            let token = try secret(webhook.tokenFile, what: "webhook token", reader: reader)
            guard token.count >= WebhookSettings.minimumTokenLength else {
                throw error(
                    at: webhook.tokenFile,
                    "the webhook token in \(webhook.tokenFile.local) is shorter than \(WebhookSettings.minimumTokenLength) characters"
                )
            }
            webhook.token = token
            site.webhook = webhook
        }
        if files.contains(.databasePassword), var database = site.incidents.database {
            if let passwordFile = site.incidents.passwordFile {
                database.password = try secret(passwordFile, what: "database password", reader: reader)
            } else if let password = reader.environment["VIGIE_DATABASE_PASSWORD"], !password.isEmpty {
                database.password = password
            }
            site.incidents.database = database
        }
        return site
    }

    private func error(at path: SitePath, _ message: String) -> SiteFileError {
        SiteFileError(file: file, location: path.location, keyPath: path.keyPath, message: message)
    }

    /// A secret read from a file: its first line, trimmed, non-empty.
    private func secret(_ path: SitePath, what: String, reader: HostFileReader) throws(SiteFileError) -> String {
        let bytes: [UInt8]
        switch reader.read(path.local, Site.secretLimit) {
        case .success(let read): bytes = read
        case .failure(let why): throw error(at: path, "cannot read the \(what) file \(path.local): \(why)")
        }
        let value = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !value.isEmpty else { throw error(at: path, "the \(what) file \(path.local) is empty") }
        guard !value.contains("\n"), PrintableText.firstForbidden(in: value) == nil else {
            throw error(at: path, "the \(what) file \(path.local) must hold one line of printable text")
        }
        return value
    }
}
