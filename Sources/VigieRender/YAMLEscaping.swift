import Foundation
import Mustache
import VigieCore

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
