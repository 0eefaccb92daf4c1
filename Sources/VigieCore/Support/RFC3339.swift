public import Foundation

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

    /// `parseFractional`, refusing what the lenient parser would roll over: a 31 November, a 29 February
    /// of a common year, hour 25. The date and time fields are checked before the text is parsed.
    public static func parseStrict(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), day >= 1,
            day <= LogTimestamp.daysIn(month: month, year: year), hour < 24, minute < 60, second < 60
        else { return nil }
        return parseFractional(text)
    }
}
