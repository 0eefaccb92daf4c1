// Text from outside (a site file, a webhook's labels, a log line, a register row) may carry
// characters that change what a reader sees or what a parser reads: a line feed ends a comment in
// a rendered script, ESC starts a terminal control sequence, U+202E reverses the text after it,
// U+2028 is a line break to YAML. One definition of those characters serves both the site loader,
// which refuses them, and every human output, which shows them as visible escapes.

/// Characters that have no place in one line of printable text, and how to show them.
public enum PrintableText {
    /// Whether `scalar` is a control, format or line/paragraph separator character (Unicode general
    /// categories Cc, Cf, Zl, Zp, and private-use, surrogate or unassigned code points) or one Unicode
    /// says is invisible (Default_Ignorable_Code_Point): C0 and C1 controls (NUL, TAB, LF, CR, ESC,
    /// NEL…), DEL, bidirectional overrides and isolates, zero-width characters, the byte-order mark,
    /// U+2028 and U+2029, variation selectors, Hangul fillers.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return true }
        if scalar.isASCII { return false }
        // Invisible by definition (variation selectors, fillers such as U+3164, soft hyphen…).
        if scalar.properties.isDefaultIgnorableCodePoint { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    /// The first forbidden character of `text`, with its offset in Unicode scalars.
    public static func firstForbidden(in text: String) -> (scalar: Unicode.Scalar, offset: Int)? {
        var offset = 0
        for scalar in text.unicodeScalars {
            if isForbidden(scalar) { return (scalar, offset) }
            offset += 1
        }
        return nil
    }

    /// `U+000A (line feed)`: the code point and, for the usual suspects, its name.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
        let names: [UInt32: String] = [
            0x00: "NUL", 0x09: "tab", 0x0A: "line feed", 0x0D: "carriage return", 0x1B: "escape", 0x7F: "delete",
            0x85: "next line", 0x2028: "line separator", 0x2029: "paragraph separator",
            0x202E: "right-to-left override",
            0xFEFF: "byte-order mark", 0x200B: "zero-width space",
        ]
        return names[scalar.value].map { "U+\(hex) (\($0))" } ?? "U+\(hex)"
    }

    /// `text` with every forbidden character shown as `\u{…}` (`\n`, `\r`, `\t` for the common three), so
    /// that a terminal, a table or a one-line field shows it instead of obeying it. A backslash is
    /// doubled only when the text needed escaping, so that ordinary text reads unchanged.
    public static func escaped(_ text: String) -> String {
        shown(text) { scalar in
            switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\\": "\\\\"
            default: nil
            }
        }
    }

    /// One line of prose for a document (a report draft): line breaks and tabs become spaces, every other
    /// forbidden character is shown as `\u{…}`.
    public static func oneLine(_ text: String) -> String {
        shown(text) { scalar in scalar == "\n" || scalar == "\r" || scalar == "\t" ? " " : nil }
    }

    /// `text` with each forbidden character replaced by `special`'s form for it, else `\u{…}`; unchanged
    /// (and not copied) when it holds none.
    private static func shown(_ text: String, _ special: (Unicode.Scalar) -> String?) -> String {
        guard firstForbidden(in: text) != nil else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if let replacement = special(scalar) {
                out += replacement
            } else if isForbidden(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Multi-line text (a note, a draft) for a terminal: each line escaped, the line feeds kept.
    public static func escapedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(
            separator: "\n"
        )
    }
}
