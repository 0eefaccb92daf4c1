import VigieCore

/// One file of the deployment bundle.

public struct BundleFile: Sendable, Hashable {
    /// The path inside the bundle directory (`nginx/meet.example.org.conf`).
    public var path: String
    public var contents: String
    /// Scripts are written 0755, everything else 0644.
    public var executable: Bool

    public init(path: String, contents: String, executable: Bool = false) {
        self.path = path
        self.contents = contents
        self.executable = executable
    }
}

/// The deployment bundle: every file, sorted by path.
public struct RenderedBundle: Sendable {
    public var files: [BundleFile]

    public init(files: [BundleFile]) {
        self.files = files.sorted { $0.path < $1.path }
    }

    public subscript(path: String) -> BundleFile? {
        files.first { $0.path == path }
    }
}
