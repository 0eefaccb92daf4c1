import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// The day's error counts, in every timestamp form a Jitsi host writes, against the day's boundary:
/// for each form, one error a second before the day, one at its first second, one at its last, one a
/// second after it; exactly the middle two count.
@Suite struct LogDaySummaryTests {
    /// 1 December: day 1 tells syslog's space padding (`Dec  1`) from Prosody's zero padding (`Dec 01`).
    static let day = RFC3339.parse("2026-12-01T00:00:00Z")!

    struct Form: Sendable {
        var name: String
        var file: String
        var component: String
        /// Whether the line carries a level (an access line has none: it counts as an entry only).
        var levelled = true
        /// The line (or lines) of an error at a UTC instant.
        var line: @Sendable (Date) -> String
    }

    /// syslog's `Mmm dd HH:MM:SS`, the day padded with a space (`Dec  1`).
    static func syslog(_ date: Date) -> String {
        let day = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date).day!
        return utc("MMM", date) + " " + (day < 10 ? " \(day)" : "\(day)") + " " + utc("HH:mm:ss", date)
    }

    static func utc(_ format: String, _ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    /// The same instant in another zone, with its offset.
    static func zoned(_ format: String, _ date: Date, offsetHours: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: offsetHours * 3600)
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    static let forms: [Form] = [
        Form(name: "syslog, space-padded", file: "syslog", component: "prosody") {
            "\(syslog($0)) meet prosody[812]: c2s5f: error stream"
        },
        Form(name: "Prosody's file, zero-padded", file: "prosody.log", component: "prosody") {
            "\(utc("MMM dd HH:mm:ss", $0)) c2s55f0\terror\tstream error"
        },
        Form(name: "Prosody under docker", file: "docker.log", component: "prosody") {
            "prosody-1  | \(utc("yyyy-MM-dd HH:mm:ss", $0)) c2s55a5d39c7d50        error\tbroken"
        },
        Form(name: "Jitsi (JVB)", file: "jvb.log", component: "jitsi-videobridge") {
            "JVB \(utc("yyyy-MM-dd HH:mm:ss.SSS", $0)) SEVERE: [51] Conference.expire#12: broken"
        },
        Form(name: "Jitsi, German levels", file: "jicofo.log", component: "jicofo") {
            "Jicofo \(utc("yyyy-MM-dd HH:mm:ss.SSS", $0)) SCHWERWIEGEND: [29] Foo.bar#1: kaputt"
        },
        Form(name: "ISO 8601 with Z", file: "app.log", component: "other") {
            "\(utc("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", $0)) ERROR something"
        },
        Form(name: "ISO 8601 with an offset", file: "offset.log", component: "other") {
            "\(zoned("yyyy-MM-dd'T'HH:mm:ssxxx", $0, offsetHours: 1)) error something"
        },
        Form(name: "RFC 5424 syslog", file: "rfc5424.log", component: "coturn") {
            "<163>1 \(zoned("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", $0, offsetHours: -5)) meet turnserver[99]: ERROR: session"
        },
        Form(name: "journalctl short-iso", file: "journal-short.log", component: "jicofo") {
            "\(zoned("yyyy-MM-dd'T'HH:mm:ssxx", $0, offsetHours: 2)) meet jicofo[431]: SEVERE: [29] broken"
        },
        Form(name: "nginx error.log", file: "error.log", component: "nginx") {
            "\(utc("yyyy/MM/dd HH:mm:ss", $0)) [error] 1234#1234: *5 upstream timed out"
        },
        Form(name: "nginx access.log, +0100", file: "access.log", component: "nginx", levelled: false) {
            "203.0.113.9 - - [\(zoned("dd/MMM/yyyy:HH:mm:ss xx", $0, offsetHours: 1))] \"GET /error HTTP/1.1\" 500 12 \"-\" \"Mozilla/5.0\""
        },
        Form(
            name: "nginx access behind docker's zoneless time",
            file: "web-access.log",
            component: "nginx",
            levelled: false
        ) {
            // Docker's prefix is the container's local time, one hour off; the bracket's offset decides.
            "\(zoned("yyyy-MM-dd HH:mm:ss", $0, offsetHours: 1)) | 172.20.0.1 - - [\(zoned("dd/MMM/yyyy:HH:mm:ss xx", $0, offsetHours: 1))] \"POST /http-bind HTTP/1.0\" 200 318"
        },
        Form(name: "java.util.logging, two lines", file: "jicofo-legacy.log", component: "jicofo") {
            "\(utc("MMM d, yyyy h:mm:ss a", $0)) org.jitsi.utils.logging2.LoggerImpl log\nSEVERE: broken"
        },
        Form(name: "journald JSON", file: "journal.json", component: "jitsi-videobridge") {
            #"{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"\#(Int64($0.timeIntervalSince1970 * 1_000_000))","PRIORITY":"3","SYSLOG_IDENTIFIER":"jvb","MESSAGE":"broken"}"#
        },
    ]

    static func errors(_ form: Form) -> String {
        let instants = [
            Self.day.addingTimeInterval(-1), Self.day, Self.day.addingTimeInterval(86_399),
            Self.day.addingTimeInterval(86_400),
        ]
        return instants.map(form.line).joined(separator: "\n") + "\n"
    }

    @Test(arguments: forms.map(\.name)) func eachFormCountsOnlyItsDay(_ name: String) throws {
        let form = try #require(Self.forms.first { $0.name == name })
        let directory = try BundleFixture.temporaryDirectory("logday")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.errors(form).write(to: directory.appendingPathComponent(form.file), atomically: true, encoding: .utf8)
        let summary = try LogDaySummary.read(directory: directory.path, day: Self.day)
        #expect(summary.lines == 2, "\(name): \(Self.errors(form))")
        #expect(
            summary.counts == (form.levelled ? [form.component: .init(errors: 2, warnings: 0)] : [:]),
            "\(name): \(Self.errors(form))"
        )
    }

    /// `journalctl -o export`: entries of `FIELD=value` lines, binary fields as a size and raw bytes (here
    /// with newlines and an `=` in them, which must not be read as fields), a blank line between entries.
    @Test func journaldExportWithABinaryField() throws {
        func entry(_ date: Date, priority: Int, binary: Bool) -> [UInt8] {
            var bytes = Array(
                "__CURSOR=s=abc;i=1\n__REALTIME_TIMESTAMP=\(Int64(date.timeIntervalSince1970 * 1_000_000))\nPRIORITY=\(priority)\n"
                    .utf8
            )
            if binary {
                let message = Array("line one\nPRIORITY=0\n\nstill binary".utf8)
                bytes += Array("MESSAGE\n".utf8)
                bytes += withUnsafeBytes(of: UInt64(message.count).littleEndian, Array.init)
                bytes += message + [0x0A]
            } else {
                bytes += Array("MESSAGE=plain\n".utf8)
            }
            return bytes + Array("SYSLOG_IDENTIFIER=prosody\n_SYSTEMD_UNIT=prosody.service\n\n".utf8)
        }
        var file = entry(Self.day.addingTimeInterval(-1), priority: 3, binary: false)
        file += entry(Self.day, priority: 3, binary: true)
        file += entry(Self.day.addingTimeInterval(60), priority: 4, binary: false)
        file += entry(Self.day.addingTimeInterval(120), priority: 6, binary: true)
        file += entry(Self.day.addingTimeInterval(86_400), priority: 2, binary: false)
        let directory = try BundleFixture.temporaryDirectory("logday-export")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(file).write(to: directory.appendingPathComponent("journal.export"))
        let summary = try LogDaySummary.read(directory: directory.path, day: Self.day)
        #expect(summary.lines == 3)
        #expect(
            summary.counts == ["prosody": .init(errors: 1, warnings: 1)],
            "the binary MESSAGE's PRIORITY=0 is not a field"
        )
    }

    /// The year a syslog line leaves out is the one nearest the day: on 1 January, `Dec 31` is last year's.
    @Test func syslogYearsAndImpossibleDates() throws {
        let newYear = Int64(RFC3339.parse("2027-01-01T00:00:00Z")!.timeIntervalSince1970)
        func find(_ text: String, near: Int64 = newYear) -> Int64? {
            Array(text.utf8).withUnsafeBufferPointer { LogTimestamp.find(in: $0, near: near)?.seconds }
        }
        #expect(find("Dec 31 23:59:59 meet prosody[1]: x") == newYear - 1)
        #expect(find("Jan  1 00:00:00 meet prosody[1]: x") == newYear)
        #expect(
            find("Feb 29 12:00:00 x", near: newYear)
                == Int64(RFC3339.parse("2028-02-29T12:00:00Z")!.timeIntervalSince1970),
            "2027 has no 29 February"
        )
        #expect(find("2026-02-30T00:00:00Z x") == nil)
        #expect(find("2026-12-01T24:00:00Z x") == nil)
        #expect(find("Dec 1 09:00:00 x") == nil, "syslog pads the day to two characters")
        #expect(find("20261-12-01T09:00:00Z") == nil)
        #expect(find("\tat org.jitsi.Foo.bar(Foo.java:12) 2026-12-01") == nil, "a stack trace line is a continuation")
        // The two-line format's 12-hour clock.
        #expect(
            find("Dec 1, 2026 12:30:00 PM org.jitsi.X log")
                == Int64(RFC3339.parse("2026-12-01T12:30:00Z")!.timeIntervalSince1970)
        )
        #expect(
            find("Dec 1, 2026 12:30:00 AM org.jitsi.X log")
                == Int64(RFC3339.parse("2026-12-01T00:30:00Z")!.timeIntervalSince1970)
        )
    }

    /// A continuation line is not an entry, and a level word later in a message does not make an info line an error.
    @Test func continuationsAndWordsInMessages() throws {
        let directory = try BundleFixture.temporaryDirectory("logday-continuation")
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        JVB 2026-12-01 10:00:00.000 SEVERE: [51] Foo.bar#1: broken
        java.lang.IllegalStateException: error in something
        \tat org.jitsi.Foo.bar(Foo.java:12)
        JVB 2026-12-01 10:00:01.000 INFO: [51] Foo.bar#2: recovered from an error
        Dec 01 10:00:02 c2s1\tinfo\tClient error ignored

        """.write(to: directory.appendingPathComponent("jvb.log"), atomically: true, encoding: .utf8)
        let summary = try LogDaySummary.read(directory: directory.path, day: Self.day)
        #expect(summary.lines == 3)
        #expect(summary.counts == ["jitsi-videobridge": .init(errors: 1, warnings: 0)])
    }

    /// Never through a link; compressed rotations named as not read; an endless line does not hold the
    /// whole file in memory nor hide the lines after it; a missing directory is an error that names it.
    @Test func linksEndlessLinesAndMissingDirectories() throws {
        let directory = try BundleFixture.temporaryDirectory("logday-hostile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outside = directory.appendingPathComponent("outside.txt")
        try "JVB 2026-12-01 10:00:00.000 SEVERE: secret\n".write(to: outside, atomically: true, encoding: .utf8)
        let logs = directory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: logs.appendingPathComponent("jvb.log").path,
            withDestinationPath: outside.path
        )
        try Data([0x1F, 0x8B]).write(to: logs.appendingPathComponent("jicofo.log.2.gz"))
        var endless = Data(repeating: UInt8(ascii: "x"), count: 3 << 20)
        endless.append(contentsOf: Array("\nJVB 2026-12-01 10:00:00.000 WARNING: after the long line\n".utf8))
        try endless.write(to: logs.appendingPathComponent("jvb.log.1"))

        let summary = try LogDaySummary.read(directory: logs.path, day: Self.day)
        #expect(summary.files == 1)
        #expect(summary.counts == ["jitsi-videobridge": .init(errors: 0, warnings: 1)], "the link's target is not read")
        #expect(summary.skipped.sorted() == ["jicofo.log.2.gz (compressed)", "jvb.log (a link)"])

        let missing = logs.appendingPathComponent("nosuch").path
        let error = #expect(throws: LogDaySummary.Failure.self) {
            try LogDaySummary.read(directory: missing, day: Self.day)
        }
        #expect(error?.description.contains("cannot read the log directory \(missing)") == true)
    }

    /// A syslog tag or a journald identifier can be an address or a name: unknown programs are "other".
    /// Lines relayed by syslog keep their level; CRLF endings too; an indented line quoting a date is a
    /// continuation; an impossible offset is no time; a subdirectory is named as not read.
    @Test func namesStayPrivateAndLinesCountRight() throws {
        let directory = try BundleFixture.temporaryDirectory("logday-private")
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        Dec  1 09:00:00 meet 203.0.113.9[1]: error x
        Dec  1 09:00:01 meet jean.dupont[1]: error x
        {"__REALTIME_TIMESTAMP":"1796115600000000","PRIORITY":"3","SYSLOG_IDENTIFIER":"user@203.0.113.9"}
        Dec  1 09:00:02 meet jvb[1]: JVB 2026-12-01 09:00:02.123 SEVERE: [51] Foo.bar#1: broken
        Dec  1 09:00:03 meet prosody[2]: c2s1 error\r
        JVB 2026-12-02 00:00:01.000 INFO: [1] next day
            Caused by: cert expired at 2026-12-01T09:00:00Z error
        2026-12-01T12:00:00+99:00 error impossible offset

        """.write(to: directory.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("archive"),
            withIntermediateDirectories: false
        )
        let summary = try LogDaySummary.read(directory: directory.path, day: Self.day)
        #expect(
            summary.counts == [
                "other": .init(errors: 3, warnings: 0), "jitsi-videobridge": .init(errors: 1, warnings: 0),
                "prosody": .init(errors: 1, warnings: 0),
            ],
            "\(summary.counts)"
        )
        #expect(summary.lines == 5)
        #expect(summary.skipped == ["archive (a directory: not read)"])
    }
}
