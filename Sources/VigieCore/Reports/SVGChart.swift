public import Foundation

/// A self-contained SVG line chart of one day, for the HTML report and its PNG.
public enum SVGChart {
    public struct Line: Sendable {
        public var name: String
        public var samples: [TimeSeries.Sample]
        public var colour: String

        public init(name: String, samples: [TimeSeries.Sample], colour: String) {
            self.name = name
            self.samples = samples
            self.colour = colour
        }
    }

    /// - Parameters:
    ///   - format: How a value is written on the y axis.
    public static func day(
        title: String,
        lines: [Line],
        dayStart: Date,
        width: Int = 800,
        height: Int = 280,
        format: (Double) -> String = { String(Int($0.rounded())) }
    ) -> String {
        let left = 60.0, right = 20.0, top = 36.0, bottom = 36.0
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let maximum = niceCeiling(lines.flatMap(\.samples).map(\.value).max() ?? 0)
        func x(_ date: Date) -> Double { left + min(max(date.timeIntervalSince(dayStart) / 86_400, 0), 1) * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - (maximum > 0 ? value / maximum : 0) * plotHeight }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
            <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(left)" y="20" font-size="14" fill="#1d2430">\(MarkupEscaping.escape(title))</text>

            """
        for tick in 0...4 {
            let value = maximum * Double(tick) / 4
            let ty = y(value)
            svg +=
                "<line x1=\"\(left)\" y1=\"\(fmt(ty))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(ty))\" stroke=\"#e1e6ee\"/>\n"
            svg +=
                "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(ty + 4))\" text-anchor=\"end\" fill=\"#5a6577\">\(MarkupEscaping.escape(format(value)))</text>\n"
        }
        for hour in stride(from: 0, through: 24, by: 3) {
            let tx = left + Double(hour) / 24 * plotWidth
            svg +=
                "<line x1=\"\(fmt(tx))\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(tx))\" y2=\"\(fmt(top + plotHeight + 4))\" stroke=\"#5a6577\"/>\n"
            svg +=
                "<text x=\"\(fmt(tx))\" y=\"\(fmt(top + plotHeight + 18))\" text-anchor=\"middle\" fill=\"#5a6577\">\(String(format: "%02d:00", hour))</text>\n"
        }
        svg +=
            "<line x1=\"\(left)\" y1=\"\(fmt(top + plotHeight))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(top + plotHeight))\" stroke=\"#5a6577\"/>\n"
        for (index, line) in lines.enumerated() where !line.samples.isEmpty {
            let points = line.samples.map { "\(fmt(x($0.at))),\(fmt(y($0.value)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            let legendX = left + plotWidth - 160
            let legendY = top + 14 + Double(index) * 14
            svg +=
                "<rect x=\"\(fmt(legendX))\" y=\"\(fmt(legendY - 8))\" width=\"10\" height=\"3\" fill=\"\(line.colour)\"/>\n"
            svg +=
                "<text x=\"\(fmt(legendX + 14))\" y=\"\(fmt(legendY - 4))\" fill=\"#1d2430\">\(MarkupEscaping.escape(line.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// 1, 2 or 5 times a power of ten, at least `value` (10 for an empty or zero chart).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 10 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= value * 1.05 { return factor * magnitude }
        return 10 * magnitude
    }
}
