import Foundation
import Mustache
import VigieCore

/// HCL (Terraform): always a quoted string; `${` and `%{` are doubled so nothing interpolates.
struct HCLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        TargetEscaping.doubleQuoted(text, escapingDollarBraces: true)
    }
}
