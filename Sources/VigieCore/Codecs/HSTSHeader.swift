/// Reads `Strict-Transport-Security` (RFC 6797 §6.1).
package enum HSTSHeader {
    /// The max-age directive in seconds, or `nil` when it is missing or malformed.
    package static func maxAge(_ value: String) -> Int? {
        for directive in value.split(separator: ";") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, parts[0].lowercased() == "max-age" else { continue }
            var number = parts[1]
            if number.hasPrefix("\""), number.hasSuffix("\""), number.count >= 2 {
                number = String(number.dropFirst().dropLast())
            }
            return Int(number).flatMap { $0 >= 0 ? $0 : nil }
        }
        return nil
    }
}
