/// Escaping of text for XML and HTML (element content and quoted attributes of either quote).
///
/// The five predefined XML entities, which HTML5 (the reports' doctype) defines too.
enum MarkupEscaping {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
