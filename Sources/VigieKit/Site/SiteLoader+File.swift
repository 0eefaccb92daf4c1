public import VigieCore

// Reading the site file is the loader's one piece of I/O, here above the core: the core decodes text.

extension SiteLoader {
    /// Loads the site file at `path`: reads it and decodes it, and nothing else.
    ///
    /// Relative paths in it (`ca`, `token_file`, `password_file`, `key_directory`) are relative to the
    /// directory of the file. The files they name are not read here: see ``Site/resolving(_:reader:)``.
    public static func load(path: String) throws(SiteFileError) -> Site {
        try decode(yaml: try text(path: path), file: path, baseDirectory: directory(of: path))
    }

    /// Loads the site file and reads the files it names on this host (``HostFiles``).
    public static func load(
        path: String,
        resolving files: HostFiles,
        reader: HostFileReader = .system
    ) throws(SiteFileError) -> Site {
        try load(path: path).resolving(files, reader: reader)
    }

    /// The text of the site file at `path`: a regular file of UTF-8 text.
    public static func text(path: String) throws(SiteFileError) -> String {
        let bytes: [UInt8]
        switch HostFileReader.readRegularFile(path, limit: YAMLPreflight.maximumBytes) {
        case .success(let read): bytes = read
        case .failure(let why):
            throw SiteFileError(file: path, location: nil, keyPath: "", message: "cannot read the site file: \(why)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SiteFileError(file: path, location: nil, keyPath: "", message: "the site file is not UTF-8 text")
        }
        return text
    }
}
