// The Prometheus text format (0.0.4) and OpenMetrics 1.0, read leniently.
//
// One parser serves Jitsi Videobridge's and Jicofo's `/metrics` and Prosody's mod_http_openmetrics:
// comments (`# HELP`, `# TYPE`, `# UNIT`) are skipped, `# EOF` ends the page, label values are
// unescaped, `NaN` and `±Inf` are numbers, timestamps and exemplars are ignored. A bad line is
// counted and skipped, never fatal: one odd metric must not hide the others. It works on UTF-8 bytes.

/// Parses Prometheus / OpenMetrics text.
public enum PrometheusTextParser {
    public static func parse(_ text: String) -> MetricScrape {
        parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) -> MetricScrape {
        var scrape = MetricScrape()
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = bytes[start..<lineEnd]
            start = end + 1
            guard let first = line.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else {
                continue
            }
            if first == UInt8(ascii: "#") {
                if line.elementsEqual("# EOF".utf8) { break }
                if let family = declaredFamily(line) { scrape.declaredFamilies.insert(family) }
                continue
            }
            if let sample = parseSample(line) {
                scrape.samples.append(sample)
            } else {
                scrape.malformedLines += 1
            }
        }
        return scrape
    }

    /// The family a `# TYPE name type` line declares.
    static func declaredFamily(_ line: ArraySlice<UInt8>) -> String? {
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 3, omittingEmptySubsequences: true)
        guard words.count >= 3, words[0].elementsEqual("#".utf8), words[1].elementsEqual("TYPE".utf8) else {
            return nil
        }
        return String(decoding: words[2], as: UTF8.self)
    }

    static func parseSample(_ line: ArraySlice<UInt8>) -> MetricSample? {
        var index = line.startIndex
        func skipSpaces() {
            while index < line.endIndex, line[index] == UInt8(ascii: " ") || line[index] == UInt8(ascii: "\t") {
                index += 1
            }
        }
        skipSpaces()
        let nameStart = index
        while index < line.endIndex, isNameByte(line[index], first: index == nameStart) { index += 1 }
        guard index > nameStart else { return nil }
        let name = String(decoding: line[nameStart..<index], as: UTF8.self)
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == UInt8(ascii: "{") {
            index += 1
            while true {
                skipSpaces()
                guard index < line.endIndex else { return nil }
                if line[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                }
                let labelStart = index
                while index < line.endIndex, isNameByte(line[index], first: index == labelStart) { index += 1 }
                guard index > labelStart else { return nil }
                let label = String(decoding: line[labelStart..<index], as: UTF8.self)
                skipSpaces()
                guard index < line.endIndex, line[index] == UInt8(ascii: "=") else { return nil }
                index += 1
                skipSpaces()
                guard index < line.endIndex, line[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                var value: [UInt8] = []
                var closed = false
                while index < line.endIndex {
                    let byte = line[index]
                    index += 1
                    if byte == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    if byte == UInt8(ascii: "\\"), index < line.endIndex {
                        let escaped = line[index]
                        index += 1
                        value.append(escaped == UInt8(ascii: "n") ? UInt8(ascii: "\n") : escaped)
                    } else {
                        value.append(byte)
                    }
                }
                guard closed else { return nil }
                labels[label] = String(decoding: value, as: UTF8.self)
                skipSpaces()
                if index < line.endIndex, line[index] == UInt8(ascii: ",") { index += 1 }
            }
        }
        skipSpaces()
        let valueStart = index
        while index < line.endIndex, line[index] != UInt8(ascii: " "), line[index] != UInt8(ascii: "\t") { index += 1 }
        guard index > valueStart, let value = parseNumber(line[valueStart..<index]) else { return nil }
        return MetricSample(name: name, labels: labels, value: value)
    }

    static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
            UInt8(ascii: ":"):
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return !first
        default:
            return false
        }
    }

    static func parseNumber(_ bytes: ArraySlice<UInt8>) -> Double? {
        let text = String(decoding: bytes, as: UTF8.self)
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || [0x2B, 0x2D, 0x2E, 0x65, 0x45].contains($0) })
            else {
                return nil
            }
            return Double(text)
        }
    }
}
