// A small structured document, written once and rendered to Markdown or to a self-contained HTML
// page, so both forms of a report always say the same thing. Every text is escaped for its target.

/// A report: a title and sections of blocks.
public struct ReportDocument: Sendable, Hashable {
    public enum Block: Sendable, Hashable {
        case paragraph(String)
        /// Label / value pairs.
        case fields([(String, String)])
        case bullets([String])
        case table(header: [String], rows: [[String]])
        /// A chart: raw SVG markup made by Vigie itself, shown inline by the HTML form, and the chart's
        /// files (names relative to the document, made by Vigie: `load-2026-11-20.svg`), linked by the Markdown.
        case chart(title: String, svg: String, files: [String])

        public static func == (lhs: Block, rhs: Block) -> Bool { "\(lhs)" == "\(rhs)" }
        public func hash(into hasher: inout Hasher) { hasher.combine("\(self)") }
    }

    public struct Section: Sendable, Hashable {
        public var title: String
        public var blocks: [Block]

        public init(_ title: String, _ blocks: [Block]) {
            self.title = title
            self.blocks = blocks
        }
    }

    public var title: String
    public var language: Language
    public var sections: [Section]

    public init(title: String, language: Language, sections: [Section]) {
        self.title = title
        self.language = language
        self.sections = sections
    }

    // MARK: Markdown

    public var markdown: String {
        var out = "# \(Self.markdownEscape(title))\n"
        for section in sections {
            out += "\n## \(Self.markdownEscape(section.title))\n"
            for block in section.blocks {
                out += "\n"
                switch block {
                case .paragraph(let text):
                    out += Self.markdownEscape(text) + "\n"
                case .fields(let pairs):
                    for (label, value) in pairs {
                        out += "- **\(Self.markdownEscape(label))**: \(Self.markdownEscape(value))\n"
                    }
                case .bullets(let items):
                    for item in items { out += "- \(Self.markdownEscape(item))\n" }
                case .table(let header, let rows):
                    out += "| " + header.map(Self.cellEscape).joined(separator: " | ") + " |\n"
                    out += "|" + String(repeating: "---|", count: header.count) + "\n"
                    for row in rows { out += "| " + row.map(Self.cellEscape).joined(separator: " | ") + " |\n" }
                case .chart(let title, _, let files):
                    guard let first = files.first else {
                        out += Self.markdownEscape(title) + "\n"
                        continue
                    }
                    out += "![\(Self.markdownEscape(title))](\(Self.linkTarget(first)))"
                    for other in files.dropFirst() {
                        let format = other.split(separator: ".").last.map { $0.uppercased() } ?? other
                        out += " ([\(Self.markdownEscape(format))](\(Self.linkTarget(other))))"
                    }
                    out += "\n"
                }
            }
        }
        return out
    }

    /// Markdown text of one line: markup characters escaped, control characters shown (``PrintableText``).
    static func markdownEscape(_ text: String) -> String {
        var out = ""
        for character in PrintableText.oneLine(text) {
            if "\\`*_[]<>#|&~".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// HTML text: markup escaped, control characters shown.
    static func htmlEscape(_ text: String) -> String {
        MarkupEscaping.escape(PrintableText.oneLine(text))
    }

    /// A relative link target: every byte outside a file name's plain characters percent-encoded.
    static func linkTarget(_ name: String) -> String {
        PercentEncoding.encode(name, keepingTilde: false)
    }

    static func cellEscape(_ text: String) -> String {
        markdownEscape(text)
    }

    // MARK: HTML

    public var html: String {
        var out = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <title>\(Self.htmlEscape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2430; }
            h1 { border-bottom: 2px solid #2f6fb0; padding-bottom: .3rem; }
            h2 { margin-top: 2rem; color: #2f6fb0; }
            table { border-collapse: collapse; width: 100%; }
            th, td { border: 1px solid #c9d1dc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
            th { background: #eef2f7; }
            dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
            dt { font-weight: 600; }
            dd { margin: 0; }
            </style>
            </head>
            <body>
            <h1>\(Self.htmlEscape(title))</h1>

            """
        for section in sections {
            out += "<h2>\(Self.htmlEscape(section.title))</h2>\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let text):
                    out += "<p>\(Self.htmlEscape(text))</p>\n"
                case .fields(let pairs):
                    out += "<dl>\n"
                    for (label, value) in pairs {
                        out += "<dt>\(Self.htmlEscape(label))</dt><dd>\(Self.htmlEscape(value))</dd>\n"
                    }
                    out += "</dl>\n"
                case .bullets(let items):
                    out += "<ul>\n" + items.map { "<li>\(Self.htmlEscape($0))</li>\n" }.joined() + "</ul>\n"
                case .table(let header, let rows):
                    out += "<table>\n<tr>" + header.map { "<th>\(Self.htmlEscape($0))</th>" }.joined() + "</tr>\n"
                    for row in rows {
                        out += "<tr>" + row.map { "<td>\(Self.htmlEscape($0))</td>" }.joined() + "</tr>\n"
                    }
                    out += "</table>\n"
                case .chart(_, let markup, _):
                    out += markup + "\n"
                }
            }
        }
        return out + "</body>\n</html>\n"
    }
}
