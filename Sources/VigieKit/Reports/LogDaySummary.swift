import Foundation

// Errors and warnings per component in a day's logs, for the daily report. Lines are matched on
// the level words Jitsi (java.util.logging, localized), Prosody and nginx write; the component comes
// from the line's prefix (`JVB`, `Jicofo`, docker's `prosody-1 |`) or the file name. Only counts
// leave this file: no line is copied into a report.

/// Counts of error and warning lines per component for one day.
public struct LogDaySummary: Sendable, Hashable {
    public struct Counts: Sendable, Hashable {
        public var errors = 0
        public var warnings = 0
    }

    public var counts: [String: Counts] = [:]
    public var files = 0
    public var lines = 0

    static let errorWords: Set<String> = ["SEVERE", "ERROR", "error", "FATAL", "CRITICAL", "crit", "alert", "emerg", "SCHWERWIEGEND", "GRAVE"]
    static let warningWords: Set<String> = ["WARNING", "WARN", "warn", "warning", "WARNUNG", "AVERTISSEMENT", "ADVERTENCIA"]

    /// Reads every file of `directory` (not following links), counting the lines of `day` (UTC).
    public static func read(directory: String, day: Date) -> LogDaySummary {
        var summary = LogDaySummary()
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return summary }
        let iso = day.formatted(.iso8601.year().month().day())
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.month, .day, .year], from: day)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let syslogDay = "\(months[(parts.month ?? 1) - 1]) \(String(parts.day ?? 1).leftPadded(to: 2, with: " "))"
        let nginxDay = "\(String(parts.day ?? 1).leftPadded(to: 2))/\(months[(parts.month ?? 1) - 1])/\(parts.year ?? 1970)"
        for name in names.sorted() where !name.hasSuffix(".gz") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard (try? manager.attributesOfItem(atPath: path))?[.type] as? FileAttributeType == .typeRegular,
                let data = manager.contents(atPath: path)
            else { continue }
            summary.files += 1
            let fileComponent = component(fileName: name)
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard line.contains(iso) || line.contains(syslogDay) || line.contains(nginxDay) else { continue }
                summary.lines += 1
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" || $0 == "[" || $0 == "]" }).prefix(8)
                let level: String? = words.first { errorWords.contains(String($0)) || warningWords.contains(String($0)) }.map(String.init)
                guard let level else { continue }
                let name = component(line: line) ?? fileComponent
                if errorWords.contains(level) {
                    summary.counts[name, default: Counts()].errors += 1
                } else {
                    summary.counts[name, default: Counts()].warnings += 1
                }
            }
        }
        return summary
    }

    static func component(line: Substring) -> String? {
        if line.hasPrefix("JVB ") { return "jitsi-videobridge" }
        if line.hasPrefix("Jicofo ") { return "jicofo" }
        if let bar = line.firstIndex(of: "|"), line.distance(from: line.startIndex, to: bar) < 30 {
            let prefix = line[..<bar].trimmingWhitespace()
            for (word, name) in [("prosody", "prosody"), ("jvb", "jitsi-videobridge"), ("jicofo", "jicofo"), ("web", "nginx")] where prefix.hasPrefix(word) {
                return name
            }
        }
        return nil
    }

    static func component(fileName: String) -> String {
        let lower = fileName.lowercased()
        if lower.hasPrefix("jvb") { return "jitsi-videobridge" }
        if lower.hasPrefix("jicofo") { return "jicofo" }
        if lower.hasPrefix("prosody") { return "prosody" }
        if lower.contains("access") || lower.contains("error") || lower.hasPrefix("nginx") { return "nginx" }
        return String(fileName.prefix { $0 != "." })
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character) -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
