/// The duration syntax of site files: `500ms`, `5s`, `2m`, `1h30m`, `7d` (the units Prometheus uses).
public enum DurationText {
    /// Parses a duration; `nil` when the text is not one.
    public static func parse(_ text: String) -> Duration? {
        var total = Duration.zero
        var index = text.startIndex
        var sawComponent = false
        while index < text.endIndex {
            let digitsStart = index
            while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index) }
            guard digitsStart < index, let value = Int64(text[digitsStart..<index]), value <= 1_000_000 else {
                return nil
            }
            let unitStart = index
            while index < text.endIndex, text[index].isASCII, text[index].isLetter { index = text.index(after: index) }
            switch text[unitStart..<index] {
            case "ms": total += .milliseconds(value)
            case "s": total += .seconds(value)
            case "m": total += .seconds(value * 60)
            case "h": total += .seconds(value * 3600)
            case "d": total += .seconds(value * 86400)
            default: return nil
            }
            sawComponent = true
        }
        return sawComponent ? total : nil
    }

    /// Formats a duration in the same syntax, with the largest exact units (`90s` → `1m30s`).
    public static func format(_ duration: Duration) -> String {
        var milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
            if milliseconds >= size {
                text += "\(milliseconds / size)\(unit)"
                milliseconds %= size
            }
        }
        return text
    }
}
