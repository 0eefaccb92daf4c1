/// A file or directory that the site file names: a path on the Jitsi host.
///
/// The site file is written once and read in two places: on the Jitsi host, where it is
/// `/etc/vigie/vigie.yml` and `vigie serve` reads the files it names, and on an administrator's
/// workstation, where `vigie render` and `vigie validate` read it without touching those files. A
/// relative path is relative to the directory of the site file *where it is read*, so the value as
/// written is kept: the bundle resolves it against the host's `/etc/vigie`, never against the
/// workstation's directory.
public struct SitePath: Sendable, Hashable, CustomStringConvertible {
    /// The path as the site file writes it.
    public var written: String
    /// The path on the machine that loaded the site file (relative paths resolved against its directory).
    public var local: String
    /// Where the value is in the site file, for errors about the file it names.
    public var location: SourceLocation?
    /// The key path of the value (`webhook.token_file`).
    public var keyPath: String

    public init(written: String, siteDirectory: String, location: SourceLocation? = nil, keyPath: String = "") {
        self.written = written
        self.local = SitePath.resolve(written, in: siteDirectory)
        self.location = location
        self.keyPath = keyPath
    }

    /// The path on a host whose site file lives in `siteDirectory`.
    public func resolved(in siteDirectory: String) -> String {
        SitePath.resolve(written, in: siteDirectory)
    }

    public var description: String { local }

    package static func resolve(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") || directory == "." { return path }
        var base = directory.isEmpty ? "." : directory
        while base.count > 1, base.hasSuffix("/") { base.removeLast() }
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        return base == "/" ? "/" + relative : "\(base)/\(relative)"
    }
}
