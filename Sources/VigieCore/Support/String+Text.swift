extension String {
    /// The text with zeros before it up to `width` characters: hex digits in escapes (`\u000a`, `%0A`).
    package func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    /// The text with spaces after it up to `width` characters: a column of a table.
    package func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

extension StringProtocol {
    /// Non-empty, and only ASCII letters, digits and the characters of `extra`: a word no target (shell,
    /// YAML, a configuration file) reads as anything but itself.
    package func isPlainWord(extra: String) -> Bool {
        !isEmpty
            && unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || extra.unicodeScalars.contains(scalar))
            }
    }

    /// The text without leading and trailing spaces, tabs and line breaks.
    package func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
