import Foundation
import Mustache
import VigieCore

// Values reach each rendered file through an escaper for that file's language, chosen by the
// template's first line: `{{% CONTENT_TYPE: YAML }}`. `{{value}}` is escaped, `{{{value}}}` is
// not (numbers and values Vigie built itself). Every escaper leaves plain words unquoted, so the
// files read as an administrator would write them.

/// YAML: a double-quoted scalar whenever the text is not a plain safe word.
struct YAMLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        // Plain only when YAML cannot read it as anything but this string: a word that starts with a
        // letter, '/' or '_' (not an indicator such as '@', '-', '.', '%', nor a number), not a reserved word.
        TargetEscaping.isPlainWord(text, extra: "._/-@") && !TargetEscaping.yamlReserved.contains(text.lowercased())
            && (text.first.map { $0.isASCII && ($0.isLetter || $0 == "/" || $0 == "_") } ?? false)
            ? text : TargetEscaping.doubleQuoted(text, escapingDollarBraces: false)
    }
}

/// POSIX shell: a single-quoted word whenever the text is not made of safe characters only.
struct ShellEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        if !text.isEmpty, TargetEscaping.isPlainWord(text, extra: "._/:@%+=,-") { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

/// HCL (Terraform): always a quoted string; `${` and `%{` are doubled so nothing interpolates.
struct HCLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        TargetEscaping.doubleQuoted(text, escapingDollarBraces: true)
    }
}

/// nginx and nftables configuration: a double-quoted string whenever the text is not a plain word.
/// Values that reach these files are validated by the renderer first (no `$`, `;`, braces).
struct ConfigEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        if !text.isEmpty, TargetEscaping.isPlainWord(text, extra: "._/:-") { return text }
        return TargetEscaping.doubleQuoted(text, escapingDollarBraces: false)
    }
}

/// Markdown prose: backslash before the characters that would start markup.
struct MarkdownEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var output = ""
        for character in text {
            // `&` starts an entity (`&NewLine;`), `~~` a strikethrough: both escaped like the rest.
            if "\\`*_[]<>|#&~".contains(character) { output.append("\\") }
            output.append(character)
        }
        return output
    }
}

enum TargetEscaping {
    static let yamlReserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]

    static func isPlainWord(_ text: String, extra: String) -> Bool { text.isPlainWord(extra: extra) }

    static func doubleQuoted(_ text: String, escapingDollarBraces: Bool) -> String {
        var output = "\""
        var previous: Character?
        for character in text {
            switch character {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "{" where escapingDollarBraces && (previous == "$" || previous == "%"):
                output.append(previous!)
                output.append("{")
            default:
                if let ascii = character.asciiValue, ascii < 0x20 || ascii == 0x7F {
                    output += "\\u" + String(ascii, radix: 16).leftPadded(to: 4)
                } else {
                    output.append(character)
                }
            }
            previous = character
        }
        return output + "\""
    }

    /// Registers the escapers with the Mustache library, once per process.
    static let registered: Void = {
        MustacheContentTypes.register(YAMLEscaping(), named: "YAML")
        MustacheContentTypes.register(ShellEscaping(), named: "SHELL")
        MustacheContentTypes.register(HCLEscaping(), named: "HCL")
        MustacheContentTypes.register(ConfigEscaping(), named: "CONFIG")
        MustacheContentTypes.register(MarkdownEscaping(), named: "MARKDOWN")
    }()
}
