import Foundation

/// RFC 3339 timestamps in UTC (`2026-11-24T23:30:00Z`), as every Vigie output writes them.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    public static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}
