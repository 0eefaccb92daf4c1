/// Splits XML bytes into tags and text, for the little XML an XMPP stream opening needs.
struct XMLTokenizer {
    enum Token: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    enum Step: Equatable {
        case token(Token)
        case incomplete
        case invalid(String)
    }

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> Step {
        guard position < bytes.count else { return .incomplete }
        if bytes[position] != UInt8(ascii: "<") {
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "<") { position += 1 }
            return .token(.text(XMLTokenizer.decodeEntities(String(decoding: bytes[start..<position], as: UTF8.self))))
        }
        if starts(with: "<?") {
            guard let end = find("?>", from: position + 2) else { return .incomplete }
            position = end + 2
            return next()
        }
        if starts(with: "<!--") {
            guard let end = find("-->", from: position + 4) else { return .incomplete }
            position = end + 3
            return next()
        }
        if starts(with: "<!") { return .invalid("DOCTYPE and CDATA are not allowed in an XMPP stream") }
        guard let close = findTagEnd(from: position + 1) else {
            return position + 1 < bytes.count && bytes.count - position > 8192 ? .invalid("tag too long") : .incomplete
        }
        let inner = String(decoding: bytes[(position + 1)..<close], as: UTF8.self)
        position = close + 1
        if inner.hasPrefix("/") {
            let name = inner.dropFirst().trimmingWhitespace()
            guard XMLTokenizer.isName(name) else { return .invalid("malformed end tag </\(name)>") }
            return .token(.end(name: name))
        }
        var body = Substring(inner)
        let selfClosing = body.hasSuffix("/")
        if selfClosing { body = body.dropLast() }
        let nameEnd = body.firstIndex { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" } ?? body.endIndex
        let name = String(body[..<nameEnd])
        guard XMLTokenizer.isName(name) else { return .invalid("malformed tag <\(name)>") }
        guard let attributes = XMLTokenizer.parseAttributes(body[nameEnd...]) else {
            return .invalid("malformed attributes in <\(name)>")
        }
        return .token(.start(name: name, attributes: attributes, selfClosing: selfClosing))
    }

    func starts(with prefix: String) -> Bool {
        let utf8 = Array(prefix.utf8)
        guard position + utf8.count <= bytes.count else {
            // Not enough bytes to tell: compare what there is.
            return Array(bytes[position...]) == Array(utf8.prefix(bytes.count - position))
        }
        return Array(bytes[position..<(position + utf8.count)]) == utf8
    }

    func find(_ needle: String, from start: Int) -> Int? {
        let utf8 = Array(needle.utf8)
        var index = start
        while index + utf8.count <= bytes.count {
            if Array(bytes[index..<(index + utf8.count)]) == utf8 { return index }
            index += 1
        }
        return nil
    }

    /// The `>` that ends the tag starting before `start`, skipping quoted attribute values.
    func findTagEnd(from start: Int) -> Int? {
        var quote: UInt8?
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return nil
    }

    static func isName(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-", first != ".", !(first >= "0" && first <= "9") else {
            return false
        }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || (scalar >= "0" && scalar <= "9") || ":-_.".unicodeScalars.contains(scalar)
        }
    }

    static func parseAttributes(_ text: Substring) -> [String: String]? {
        var attributes: [String: String] = [:]
        var rest = text
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
            if rest.isEmpty { return attributes }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let name = rest[..<equals].trimmingWhitespace()
            guard isName(name) else { return nil }
            rest = rest[rest.index(after: equals)...].drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
            guard let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
            rest = rest.dropFirst()
            guard let closing = rest.firstIndex(of: quote) else { return nil }
            attributes[name] = decodeEntities(String(rest[..<closing]))
            rest = rest[rest.index(after: closing)...]
        }
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingAll("&lt;", with: "<").replacingAll("&gt;", with: ">").replacingAll("&quot;", with: "\"")
            .replacingAll("&apos;", with: "'").replacingAll("&amp;", with: "&")
    }
}

extension String {
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
