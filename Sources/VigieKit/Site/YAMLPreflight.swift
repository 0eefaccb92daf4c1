// What is refused in a site file's text before Yams composes it, because composing it could be
// unbounded work: a YAML alias names a node already built, so ten aliases of ten aliases of … are
// 10^n nodes in a few hundred bytes, and Yams walks the whole expansion when it checks a mapping's
// keys for duplicates (a 373-byte file kept it busy for more than ten seconds). Plain values that
// repeat are refused fast by the decoder; aliases have to go before composition.
//
// The text is not parsed here, so the rule is one that needs no parser and cannot be fooled by
// quoting: an alias is written with `*`, so no `*` may appear outside a comment. A comment is only
// trusted as one when its line holds no quote character (a `#` inside a quoted value that spans
// lines is not a comment). Nesting is bounded by libyaml itself (1,000 levels), and the file's size
// by `maximumBytes`.

/// Checks a site file's text before it is composed.
enum YAMLPreflight {
    /// 16 MiB: a site file of 10,000 checks is about 1 MiB.
    static let maximumBytes = 16 << 20

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
        var lineHasQuote = false
        var inComment = false
        var previous: UInt8 = 0x0A
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        // Whether the line holds a quote is needed before its comment is trusted: look ahead once per line.
        func quoteAhead(from start: String.UTF8View.Index) -> Bool {
            var cursor = start
            while cursor < utf8.endIndex, utf8[cursor] != 0x0A {
                if utf8[cursor] == 0x22 || utf8[cursor] == 0x27 { return true }
                cursor = utf8.index(after: cursor)
            }
            return false
        }
        lineHasQuote = quoteAhead(from: index)
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x0A {
                line += 1
                column = 1
                inComment = false
                previous = byte
                index = utf8.index(after: index)
                lineHasQuote = quoteAhead(from: index)
                continue
            }
            if byte == UInt8(ascii: "#"), !lineHasQuote, previous == 0x0A || previous == 0x20 || previous == 0x09 {
                inComment = true
            }
            if byte == UInt8(ascii: "*"), !inComment {
                throw SiteFileError(
                    file: file,
                    location: SourceLocation(line: line, column: column),
                    keyPath: "",
                    message: "'*' outside a comment: YAML aliases are not accepted in a site file "
                        + "(an alias can expand into millions of values); write each value out"
                )
            }
            previous = byte
            // Columns count characters, as the parser's do: continuation bytes of UTF-8 do not advance it.
            if byte & 0xC0 != 0x80 { column += 1 }
            index = utf8.index(after: index)
        }
    }
}
