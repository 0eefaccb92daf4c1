// What is refused in a site file's text before Yams composes it, because composing it could be
// unbounded work or because libyaml would only say "control characters are not allowed":
// - YAML aliases. An alias names a node already built, so ten aliases of ten aliases of … are 10^n
//   nodes in a few hundred bytes, and Yams walks the whole expansion when it checks a mapping's keys
//   for duplicates (a 373-byte file kept it busy for more than ten seconds). The text is not parsed
//   here, so the rule is one that needs no parser and cannot be fooled by quoting: an alias is written
//   with `*`, so no `*` may appear outside a comment. A comment is only trusted as one when its line
//   holds no quote character (a `#` inside a quoted value that spans lines is not a comment).
// - Line breaks other than LF and CRLF (a lone CR, NEL, U+2028, U+2029): YAML reads them as line
//   breaks, a reader of the file may not, and the comment rule above must see the same lines as libyaml.
// - Raw control and format characters (NUL, ESC, DEL, C1…), named with their line and column.
// - A tab in the indentation (YAML indents with spaces only).
// A byte-order mark at the very start is allowed (and removed by the loader). Nesting is bounded by
// libyaml itself (1,000 levels), and the file's size by `maximumBytes`.

/// Checks a site file's text before it is composed.
package enum YAMLPreflight {
    /// 16 MiB: a site file of 10,000 checks is about 1 MiB.
    package static let maximumBytes = 16 << 20

    static func check(_ text: String, file: String) throws(SiteFileError) {
        guard text.utf8.count <= maximumBytes else {
            throw SiteFileError(
                file: file,
                location: nil,
                keyPath: "",
                message: "the site file is larger than \(maximumBytes >> 20) MiB"
            )
        }
        var line = 1
        var column = 1
        var inComment = false
        var inIndentation = true
        var previous: Unicode.Scalar = "\n"
        var lineHasQuote = false
        let scalars = Array(text.unicodeScalars)
        func error(_ message: String) -> SiteFileError {
            SiteFileError(
                file: file,
                location: SourceLocation(line: line, column: column),
                keyPath: "",
                message: message
            )
        }
        // Whether the line starting at `start` holds a quote: looked at once per line, before its comment is trusted.
        func quoteAhead(from start: Int) -> Bool {
            var index = start
            while index < scalars.count, scalars[index] != "\n" {
                if scalars[index] == "\"" || scalars[index] == "'" { return true }
                index += 1
            }
            return false
        }
        lineHasQuote = quoteAhead(from: 0)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\n":
                line += 1
                column = 1
                inComment = false
                inIndentation = true
                previous = scalar
                index += 1
                lineHasQuote = quoteAhead(from: index)
                continue
            case "\r":
                guard index + 1 < scalars.count, scalars[index + 1] == "\n" else {
                    throw error("a carriage return without a line feed: the site file's lines end with LF or CRLF")
                }
            case "\u{85}", "\u{2028}", "\u{2029}":
                throw error(
                    "\(PrintableText.describe(scalar)) used as a line break: the site file's lines end with LF or CRLF"
                )
            case "\u{FEFF}" where index == 0:
                break
            case "\t":
                if inIndentation, !inComment {
                    throw error("a tab in the indentation: YAML indents with spaces only")
                }
            case "#":
                if !lineHasQuote, previous == "\n" || previous == " " || previous == "\t" { inComment = true }
            case "*":
                if !inComment {
                    throw error(
                        "'*' outside a comment: YAML aliases are not accepted in a site file "
                            + "(an alias can expand into millions of values); write each value out"
                    )
                }
            default:
                if PrintableText.isForbidden(scalar),
                    !inComment || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                {
                    throw error("\(PrintableText.describe(scalar)) in the file: a site file is printable text")
                }
            }
            if scalar != " " && scalar != "\t" && scalar != "\u{FEFF}" { inIndentation = false }
            previous = scalar
            column += 1
            index += 1
        }
    }
}
