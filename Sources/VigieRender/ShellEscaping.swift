import Foundation
import Mustache
import VigieCore

/// POSIX shell: a single-quoted word whenever the text is not made of safe characters only.
struct ShellEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        if !text.isEmpty, TargetEscaping.isPlainWord(text, extra: "._/:@%+=,-") { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
