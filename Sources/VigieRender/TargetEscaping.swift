import Foundation
import Mustache
import VigieCore

// Values reach each rendered file through an escaper for that file's language, chosen by the
// template's first line: `{{% CONTENT_TYPE: YAML }}`. `{{value}}` is escaped, `{{{value}}}` is
// not (numbers and values Vigie built itself). Every escaper leaves plain words unquoted, so the
// files read as an administrator would write them.

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
