/// A site file that cannot be used, with the file, position and key that are wrong.
///
/// The description reads like a compiler diagnostic, `FILE:LINE:COLUMN: KEY: message`, so that
/// editors and terminals can jump to the place to fix.
public struct SiteFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path of the site file as the user gave it.
    public var file: String
    /// Where the problem is, when the parser knows it.
    public var location: SourceLocation?
    /// The dotted key path of the offending value (`services.web.checks[0].timeout`), empty for the whole file.
    public var keyPath: String
    /// What is wrong and, where it helps, what would be right.
    public var message: String

    public init(file: String, location: SourceLocation?, keyPath: String, message: String) {
        self.file = file
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var text = file
        if let location { text += ":\(location.line):\(location.column)" }
        text += ": "
        if !keyPath.isEmpty { text += "\(keyPath): " }
        // Keys and values from the file are quoted in messages: their control characters are shown, not obeyed.
        return PrintableText.escaped(text + message)
    }
}
