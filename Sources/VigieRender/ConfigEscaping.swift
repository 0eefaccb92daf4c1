import Foundation
import Mustache
import VigieCore

/// nginx and nftables configuration: a double-quoted string whenever the text is not a plain word.
/// Values that reach these files are validated by the renderer first (no `$`, `;`, braces).
struct ConfigEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        if !text.isEmpty, TargetEscaping.isPlainWord(text, extra: "._/:-") { return text }
        return TargetEscaping.doubleQuoted(text, escapingDollarBraces: false)
    }
}
