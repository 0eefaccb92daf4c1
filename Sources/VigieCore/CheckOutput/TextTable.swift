/// Aligned columns for a terminal: `vigie check`'s table and the register's lists.
///
/// Every cell is shown through ``PrintableText/escaped(_:)``: cells come from servers (banners,
/// certificate names) and from the register (alert labels, notes, actors), and a control character in
/// one must not move the cursor, clear the screen or fake a row. Columns are as wide as their widest
/// cell, two spaces apart; the last column is not padded.
public struct TextTable: Sendable {
    public let header: [String]
    /// The cells, escaped.
    public let rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows.map { $0.map(PrintableText.escaped) }
    }

    /// The table, one line per row after the header, each ending in a line feed. `style` may wrap a
    /// padded cell (colour); it is given the row's index (nil for the header) and the column's.
    public func render(
        style: (_ padded: String, _ row: Int?, _ column: Int) -> String = { text, _, _ in text }
    ) -> String {
        let last = header.count - 1
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < last { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], row: Int?) -> String {
            cells.enumerated().map { index, cell in
                style(index < last ? cell.padding(to: widths[index]) : cell, row, index)
            }.joined(separator: "  ")
        }
        return ([line(header, row: nil)] + rows.enumerated().map { line($1, row: $0) }).joined(separator: "\n") + "\n"
    }
}
