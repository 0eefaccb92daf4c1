// Errors and warnings per component in a day's logs, for the daily report: the counts, and the pure
// counter that consumes one file's lines (LogDayCounter). Reading the directory is VigieLogs' part.
//
// An entry belongs to the day when its timestamp (LogTimestamp, every
// form a Jitsi host writes) falls in it; continuation lines (stack traces) belong to their entry.
// The level is the first level word after the timestamp (java.util.logging's localized names,
// Prosody's, nginx's, syslog's), or on the next line in java.util.logging's two-line format;
// journald's export and JSON forms give it as PRIORITY. The component comes from the program name
// (`JVB`, `Jicofo`, docker's `prosody-1 |`, syslog's `prosody[812]:`, journald's SYSLOG_IDENTIFIER)
// or the file name. Only counts leave this file: no line is copied into a report.

/// Counts of error and warning lines per component for one day.
public struct LogDaySummary: Sendable, Hashable {
    public struct Counts: Sendable, Hashable {
        public var errors = 0
        public var warnings = 0
        public init(errors: Int = 0, warnings: Int = 0) {
            self.errors = errors
            self.warnings = warnings
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public var counts: [String: Counts] = [:]
    /// Files read.
    public var files = 0
    /// Entries of the day.
    public var lines = 0
    /// Files left out: links, devices, compressed rotations, unreadable ones (names, escaped).
    public var skipped: [String] = []

    public init() {}
}

/// The day's entries of one file, fed a line at a time: the pure core of ``LogDaySummary``.
package struct LogDayCounter {
    enum Level { case error, warning, other }

    let dayStart: Int64
    let fileComponent: String
    package var entries = 0
    package var counts: [String: LogDaySummary.Counts] = [:]
    /// The file is journald's export format (`journalctl -o export`).
    var export: Bool?
    /// Set when the line just consumed names a binary export field: its size and bytes follow.
    package var binaryFieldFollows: String?
    /// The entry in progress is of the day and its level is still unknown (java.util.logging's first line).
    private var levelPending: String?
    /// Fields of the export entry in progress.
    private var fields: [String: String] = [:]

    package init(dayStart: Int64, fileComponent: String) {
        self.dayStart = dayStart
        self.fileComponent = fileComponent
    }

    func inDay(_ seconds: Int64) -> Bool { seconds >= dayStart && seconds < dayStart + 86_400 }

    package mutating func consume(_ line: UnsafeBufferPointer<UInt8>) {
        if export == nil {
            export = Self.starts(line, with: "__CURSOR=") || Self.starts(line, with: "__REALTIME_TIMESTAMP=")
        }
        if export == true {
            exportLine(line)
            return
        }
        if line.first == UInt8(ascii: "{"), let entry = Self.journalJSON(line) {
            levelPending = nil
            journalEntry(entry)
            return
        }
        // A line that starts with a space or a tab continues the entry above (a stack trace, a wrapped
        // message), whatever dates it quotes.
        let continuation = line.first == 0x20 || line.first == 0x09
        if !continuation, let stamp = LogTimestamp.find(in: line, near: dayStart + 43_200) {
            levelPending = nil
            guard inDay(stamp.seconds) else { return }
            entries += 1
            let component = Self.component(line: line, after: stamp.end) ?? fileComponent
            // Twelve words: a Jitsi line relayed by syslog carries its own timestamp after the program's.
            switch Self.level(line, from: stamp.end, words: 12) {
            case .error?: counts[component, default: .init()].errors += 1
            case .warning?: counts[component, default: .init()].warnings += 1
            case .other?: break
            case nil: levelPending = component
            }
        } else if let component = levelPending {
            // java.util.logging's two-line format: `SEVERE: message` under the timestamp line.
            levelPending = nil
            switch Self.level(line, from: 0, words: 1) {
            case .error?: counts[component, default: .init()].errors += 1
            case .warning?: counts[component, default: .init()].warnings += 1
            default: break
            }
        }
    }

    package mutating func finish() {
        if export == true { endExportEntry() }
    }

    // MARK: journald

    private mutating func exportLine(_ line: UnsafeBufferPointer<UInt8>) {
        if line.isEmpty {
            endExportEntry()
            return
        }
        guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
            binaryFieldFollows = String(decoding: line, as: UTF8.self)
            return
        }
        let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<equals]), as: UTF8.self)
        guard Self.journalFields.contains(name) else { return }
        fields[name] = String(decoding: UnsafeBufferPointer(rebasing: line[(equals + 1)...].prefix(256)), as: UTF8.self)
    }

    private mutating func endExportEntry() {
        defer { fields = [:] }
        guard !fields.isEmpty else { return }
        journalEntry(fields)
    }

    static let journalFields: Set<String> = [
        "__REALTIME_TIMESTAMP", "PRIORITY", "SYSLOG_IDENTIFIER", "_SYSTEMD_UNIT", "_COMM",
    ]

    /// One journal entry: time in microseconds, syslog priority (0–3 errors, 4 warnings).
    private mutating func journalEntry(_ fields: [String: String]) {
        guard let micros = fields["__REALTIME_TIMESTAMP"].flatMap({ Int64($0) }), inDay(micros / 1_000_000) else {
            return
        }
        entries += 1
        let identifier = fields["SYSLOG_IDENTIFIER"] ?? fields["_SYSTEMD_UNIT"] ?? fields["_COMM"]
        let component = identifier.map(Self.component(program:)) ?? fileComponent
        switch fields["PRIORITY"].flatMap({ Int($0) }) {
        case (0...3)?: counts[component, default: .init()].errors += 1
        case 4?: counts[component, default: .init()].warnings += 1
        default: break
        }
    }

    /// The fields of a `journalctl -o json` line.
    static func journalJSON(_ line: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        guard case .object(let pairs)? = try? JSONValue.parse(Array(line)) else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in pairs where journalFields.contains(name) {
            switch value {
            case .string(let text): fields[name] = text
            case .integer(let number): fields[name] = String(number)
            default: break
            }
        }
        return fields["__REALTIME_TIMESTAMP"] == nil ? nil : fields
    }

    // MARK: words

    static let errorWords: Set<String> = [
        "SEVERE", "ERROR", "error", "err", "FATAL", "fatal", "CRITICAL", "crit", "alert", "emerg", "SCHWERWIEGEND",
        "GRAVE",
    ]
    static let warningWords: Set<String> = [
        "WARNING", "WARN", "warn", "warning", "WARNUNG", "AVERTISSEMENT", "ADVERTENCIA", "AVVERTENZA",
    ]
    /// Levels that are neither: the first level word decides, so "info … error in the message" is not an error.
    static let otherWords: Set<String> = [
        "INFO", "info", "INFORMATION", "INFORMAZIONI", "INFORMACIÓN", "notice", "NOTICE", "DEBUG", "debug", "TRACE",
        "trace",
        "FINE", "FINER", "FINEST", "CONFIG", "KONFIGURATION", "FEIN", "FEINER",
    ]

    /// The first level word among the first `words` words from `from`.
    static func level(_ line: UnsafeBufferPointer<UInt8>, from: Int, words: Int) -> Level? {
        var seen = 0
        var index = from
        while index < line.count, seen < words {
            while index < line.count, isSeparator(line[index]) { index += 1 }
            let start = index
            while index < line.count, !isSeparator(line[index]) { index += 1 }
            guard index > start else { break }
            seen += 1
            guard index - start <= 16 else { continue }
            let word = String(decoding: UnsafeBufferPointer(rebasing: line[start..<index]), as: UTF8.self)
            if errorWords.contains(word) { return .error }
            if warningWords.contains(word) { return .warning }
            if otherWords.contains(word) { return .other }
        }
        return nil
    }

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "[")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "|")
    }

    static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard line.count >= count else { return false }
        for offset in 0..<count where line[offset] != prefix.utf8Start[offset] { return false }
        return true
    }

    // MARK: components

    /// The program a line names: Jitsi's prefix, docker's container, syslog's `program[pid]:`.
    static func component(line: UnsafeBufferPointer<UInt8>, after timestampEnd: Int) -> String? {
        let head = String(decoding: UnsafeBufferPointer(rebasing: line.prefix(48)), as: UTF8.self)
        if head.hasPrefix("JVB ") { return "jitsi-videobridge" }
        if head.hasPrefix("Jicofo ") { return "jicofo" }
        if let bar = head.firstIndex(of: "|"), head.distance(from: head.startIndex, to: bar) < 30 {
            let prefix = head[..<bar].trimmingWhitespace()
            for (word, name) in [
                ("prosody", "prosody"), ("jvb", "jitsi-videobridge"), ("jicofo", "jicofo"), ("web", "nginx"),
                ("nginx", "nginx"),
            ]
            where prefix.hasPrefix(word) {
                return name
            }
        }
        // syslog: `host program[pid]:` right after the timestamp.
        let rest = String(decoding: UnsafeBufferPointer(rebasing: line[timestampEnd...].prefix(96)), as: UTF8.self)
        for word in rest.split(separator: " ", omittingEmptySubsequences: true).prefix(2) {
            guard word.hasSuffix("]:"), let open = word.firstIndex(of: "["),
                word[word.index(after: open)..<word.index(word.endIndex, offsetBy: -2)].allSatisfy(\.isNumber)
            else { continue }
            return component(program: String(word[..<open]))
        }
        return nil
    }

    /// A program or unit name as a component: Jitsi's by their usual names, the rest as given (safe characters only).
    static func component(program: String) -> String {
        var name = program.lowercased()
        if name.hasSuffix(".service") { name.removeLast(8) }
        switch name {
        case "jvb", "jitsi-videobridge", "jitsi-videobridge2", "videobridge": return "jitsi-videobridge"
        case "jicofo": return "jicofo"
        case "prosody", "lua5.4", "lua5.2": return "prosody"
        case "nginx": return "nginx"
        case "turnserver", "coturn": return "coturn"
        default:
            // Only names known to be programs: a syslog tag or an identifier can be anything a program chose,
            // an address or a person's name included, and the report carries no personal data.
            return knownPrograms.contains(name) ? name : "other"
        }
    }

    static let knownPrograms: Set<String> = [
        "jigasi", "jibri", "vigie", "prometheus", "alertmanager", "grafana", "grafana-server", "blackbox_exporter",
        "prometheus-blackbox-exporter", "node_exporter", "prometheus-node-exporter", "certbot", "cloud-init", "sshd",
        "systemd",
        "kernel", "cron", "rsyslogd", "postgres", "postgresql", "fail2ban", "nftables", "unattended-upgrade", "apt",
        "dpkg",
    ]

    package static func component(fileName: String) -> String {
        let lower = fileName.lowercased()
        if lower.hasPrefix("jvb") || lower.hasPrefix("jitsi-videobridge") { return "jitsi-videobridge" }
        if lower.hasPrefix("jicofo") { return "jicofo" }
        if lower.hasPrefix("prosody") { return "prosody" }
        if lower.hasPrefix("turn") || lower.hasPrefix("coturn") { return "coturn" }
        if lower.contains("access") || lower.contains("error") || lower.hasPrefix("nginx") { return "nginx" }
        return component(program: String(fileName.prefix { $0 != "." }))
    }
}
