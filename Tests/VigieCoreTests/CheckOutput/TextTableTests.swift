import Foundation
import Testing

@testable import VigieCore

@Suite struct TextTableTests {
    /// Columns as wide as their widest cell, two spaces apart, the last one unpadded; control characters
    /// of a cell shown as escapes, so a value cannot clear the screen or fake a row.
    @Test func alignsAndEscapes() {
        let table = TextTable(
            header: ["ID", "WHO", "NOTE"],
            rows: [["1", "alice", "ok"], ["22", "b\u{1B}[2J", "x\ny"]]
        )
        let lines = table.render().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4, "three lines and the final line feed: \(lines)")
        let escaped = PrintableText.escaped("b\u{1B}[2J")
        let width = max("alice".count, escaped.count)
        #expect(lines[0] == "ID  " + "WHO".padding(to: width) + "  NOTE")
        #expect(lines[1] == "1   " + "alice".padding(to: width) + "  ok")
        #expect(lines[2] == "22  " + escaped.padding(to: width) + "  x\\ny")
        #expect(!lines[2].contains("\u{1B}"))
        #expect(lines[2].hasPrefix("22  b"))
        #expect(lines[2].hasSuffix("x\\ny"), "\(lines[2])")
    }

    @Test func styleSeesRowsAndColumns() {
        let table = TextTable(header: ["A", "B"], rows: [["x", "y"]])
        let text = table.render { padded, row, column in row == 0 && column == 0 ? "[\(padded)]" : padded }
        #expect(text == "A  B\n[x]  y\n")
    }

    @Test func nextDeadlineSaysOverdue() {
        let detected = Date(timeIntervalSince1970: 1_800_000_000)
        var incident = Incident(
            key: "k",
            service: "web",
            severity: .major,
            title: "t",
            source: .manual,
            detectedAt: detected
        )
        #expect(IncidentText.nextDeadline(incident, now: detected) == "-", "no clock runs before significance")
        incident.significantAt = detected
        let ahead = IncidentText.nextDeadline(incident, now: detected)
        #expect(ahead.hasPrefix("early_warning"), "\(ahead)")
        #expect(
            IncidentText.nextDeadline(incident, now: detected.addingTimeInterval(400 * 86_400)).hasPrefix("overdue: ")
        )
        #expect(IncidentText.list([], now: detected, includesResolved: false).hasSuffix("no open incident\n"))
    }
}
