import Foundation

/// RFC 3339 timestamps in UTC (`2026-11-24T23:30:00Z`), as every Vigie output writes them.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    public static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }

    /// Also accepts fractional seconds and offsets (`2026-11-24T23:30:00.123456789+01:00`, as Go writes them).
    public static func parseFractional(_ text: String) -> Date? {
        if let date = parse(text) { return date }
        // Drop the fraction, which the strict strategy refuses, and keep the offset.
        guard let dot = text.firstIndex(of: "."), text[..<dot].count == 19 else { return nil }
        let fractionEnd = text[text.index(after: dot)...].firstIndex { !$0.isNumber } ?? text.endIndex
        let fraction = Double("0" + text[dot..<fractionEnd]) ?? 0
        return parse(String(text[..<dot]) + String(text[fractionEnd...])).map { $0.addingTimeInterval(fraction) }
    }
}
