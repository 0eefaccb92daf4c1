import Foundation
import Mustache
import VigieCore

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
