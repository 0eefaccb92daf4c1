import Yams

// A small reader over Yams' node tree. Decoding through `Codable` would lose the line and column
// of a bad value; walking the nodes keeps them, so every error points at the place to fix.

/// A YAML node with the key path that leads to it and the file it comes from.
struct YAMLCursor {
    let node: Node
    let path: String
    let file: String

    var location: SourceLocation? {
        node.mark.map { SourceLocation(line: $0.line, column: $0.column) }
    }

    func error(_ message: String) -> SiteFileError {
        SiteFileError(file: file, location: location, keyPath: path, message: message)
    }

    var isNull: Bool {
        if case .scalar(let scalar) = node {
            return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        }
        return false
    }

    func mapping() throws(SiteFileError) -> YAMLMapping {
        guard case .mapping(let mapping) = node else {
            throw error("expected a mapping of keys, found \(node.kindName)")
        }
        var entries: [YAMLMapping.Entry] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw YAMLCursor(node: key, path: path, file: file).error("keys must be plain text")
            }
            if let (bad, _) = PrintableText.firstForbidden(in: scalar.string) {
                throw YAMLCursor(node: key, path: path, file: file).error(
                    "\(PrintableText.describe(bad)) in a key: keys are plain text"
                )
            }
            let childPath = path.isEmpty ? scalar.string : "\(path).\(scalar.string)"
            entries.append(
                .init(
                    key: scalar.string,
                    keyLocation: key.mark.map { SourceLocation(line: $0.line, column: $0.column) },
                    value: YAMLCursor(node: value, path: childPath, file: file)
                )
            )
        }
        return YAMLMapping(cursor: self, entries: entries)
    }

    func sequence() throws(SiteFileError) -> [YAMLCursor] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(node.kindName)") }
        return sequence.enumerated().map { index, element in
            YAMLCursor(node: element, path: "\(path)[\(index)]", file: file)
        }
    }

    /// The value as text: one line of printable characters.
    ///
    /// Control and format characters (line feeds, carriage returns, NUL, ESC, tabs, bidirectional
    /// overrides, U+2028…) are refused here, for every value of the file, because values reach shell
    /// scripts, YAML and configuration files, comments included, and a line break there ends a
    /// comment or starts a command.
    func string() throws(SiteFileError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value, found \(node.kindName)") }
        guard !isNull else { throw error("a value is required") }
        if let (bad, offset) = PrintableText.firstForbidden(in: scalar.string) {
            throw error(
                "\(PrintableText.describe(bad)) at character \(offset + 1) of the value: "
                    + "values are one line of printable text (no control characters, line breaks or tabs)"
            )
        }
        return scalar.string
    }

    func bool() throws(SiteFileError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false, found \(node.kindName)") }
        switch scalar.string {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw error("expected true or false, found \"\(scalar.string)\"")
        }
    }

    func int(in range: ClosedRange<Int>) throws(SiteFileError) -> Int {
        let text = try string()
        guard let value = Int(text) else { throw error("expected a whole number, found \"\(text)\"") }
        guard range.contains(value) else {
            throw error("\(value) is out of range (\(range.lowerBound)-\(range.upperBound))")
        }
        return value
    }

    func duration(in range: ClosedRange<Duration>) throws(SiteFileError) -> Duration {
        let text = try string()
        guard let duration = DurationText.parse(text) else {
            throw error("invalid duration \"\(text)\" (write it with a unit: 500ms, 5s, 2m, 1h)")
        }
        guard range.contains(duration) else {
            throw error(
                "\(text) is out of range (\(DurationText.format(range.lowerBound))-\(DurationText.format(range.upperBound)))"
            )
        }
        return duration
    }

    /// A value that must be one of an enumeration's raw values.
    func oneOf<Value: RawRepresentable & CaseIterable>(_: Value.Type) throws(SiteFileError) -> Value
    where Value.RawValue == String {
        let text = try string()
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw error("\"\(text)\" is not one of: \(allowed)")
        }
        return value
    }
}

/// The entries of a YAML mapping, in file order.
struct YAMLMapping {
    struct Entry {
        let key: String
        let keyLocation: SourceLocation?
        let value: YAMLCursor
    }

    let cursor: YAMLCursor
    let entries: [Entry]

    subscript(key: String) -> YAMLCursor? {
        entries.first { $0.key == key }.flatMap { $0.value.isNull ? nil : $0.value }
    }

    func required(_ key: String) throws(SiteFileError) -> YAMLCursor {
        guard let value = self[key] else {
            throw cursor.error("missing required key \"\(key)\"")
        }
        return value
    }

    /// Refuses keys outside `allowed`, naming the closest allowed key when there is one.
    func rejectUnknownKeys(allowed: [String]) throws(SiteFileError) {
        for entry in entries where !allowed.contains(entry.key) {
            var message = "unknown key \"\(entry.key)\""
            if let suggestion = allowed.min(by: { editDistance($0, entry.key) < editDistance($1, entry.key) }),
                editDistance(suggestion, entry.key) <= max(2, entry.key.count / 3)
            {
                message += " (did you mean \"\(suggestion)\"?)"
            } else {
                message += " (allowed here: \(allowed.joined(separator: ", ")))"
            }
            throw SiteFileError(
                file: cursor.file,
                location: entry.keyLocation,
                keyPath: entry.value.path,
                message: message
            )
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions on short keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

extension Node {
    var kindName: String {
        switch self {
        case .scalar: return "a single value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
