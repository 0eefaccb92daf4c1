import VigieCore

// A facet of the pseudonymiser's scanner (LogAnonymizer.swift holds the type, its tables and its
// main loop): the values of sensitive keys, in every form logs write them.

extension LogAnonymizer.Scanner {
    // MARK: key=value

    /// A sensitive `key=…` (also `key = …`) with the '=' at `i`, or `key: …` / `key:…` with the ':' at
    /// `i`: replaces the value, returns where the scan goes on.
    mutating func keyValue(at i: Int) -> Int? {
        var keyEnd = i
        while keyEnd > copied, i - keyEnd < 2, p[keyEnd - 1] == 0x20 { keyEnd -= 1 }
        var keyStart = keyEnd
        while keyStart > copied, keyEnd - keyStart < 32,
            isClass(keyStart - 1, LogAnonymizer.keyByte) || p[keyStart - 1] == UInt8(ascii: "-")
        {
            keyStart -= 1
        }
        guard keyStart < keyEnd, let kind = keys.kind(p, keyStart, keyEnd) else { return nil }
        var valueStart = i + 1
        while valueStart < n, valueStart - i <= 2, p[valueStart] == 0x20 { valueStart += 1 }
        return value(at: valueStart, kind: kind)
    }

    /// `<nick …>Jean Dupont</nick>`, `<stats-id>…</stats-id>`: the text of an XML element whose name is a
    /// sensitive key (Prosody logs presence stanzas), with the '<' at `i`.
    mutating func element(at i: Int) -> Int? {
        var nameEnd = i + 1
        while nameEnd < n, nameEnd - i < 40,
            isClass(nameEnd, LogAnonymizer.keyByte) || p[nameEnd] == UInt8(ascii: "-")
                || p[nameEnd] == UInt8(ascii: ":") || p[nameEnd] == UInt8(ascii: ".")
        {
            nameEnd += 1
        }
        guard nameEnd > i + 1 else { return nil }
        var localStart = nameEnd
        while localStart > i + 1, p[localStart - 1] != UInt8(ascii: ":") { localStart -= 1 }
        guard let kind = keys.kind(p, localStart, nameEnd) else { return nil }
        var close = nameEnd
        while close < n, close - nameEnd < 1024, p[close] != UInt8(ascii: ">"), p[close] != 0x0A { close += 1 }
        guard byte(close) == UInt8(ascii: ">"), byte(close - 1) != UInt8(ascii: "/") else { return nil }
        var textEnd = close + 1
        while textEnd < n, textEnd - close < 4096, p[textEnd] != UInt8(ascii: "<"), p[textEnd] != 0x0A { textEnd += 1 }
        guard textEnd > close + 1 else { return nil }
        // The element's attributes are scanned like any text first (an `ip="…"`, a `from='…'`).
        scanForAddresses(nameEnd, close)
        replaceValue(close + 1, textEnd, kind)
        return textEnd
    }

    /// The value of a sensitive key starting at `start`, in whichever form it is written.
    mutating func value(at start: Int, kind: Pseudonymizer.Kind) -> Int? {
        guard start < n else { return nil }
        let first = p[start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            // Quoted: to the closing quote (a backslash escapes), or the end of the line.
            var end = start + 1
            while end < n, p[end] != first, p[end] != 0x0A {
                if p[end] == UInt8(ascii: "\\") { end += 1 }
                end += 1
            }
            end = min(end, n)
            guard end > start + 1 else { return nil }
            replaceValue(start + 1, end, kind)
            return end
        }
        if first == UInt8(ascii: "[") || first == UInt8(ascii: "<") || first == UInt8(ascii: "|") {
            // A bracketed value (`conf_name=[OBFUSCATED]`, `nick=<Jean Dupont>`) ends at its bracket.
            let closing =
                first == UInt8(ascii: "[") ? UInt8(ascii: "]") : first == UInt8(ascii: "<") ? UInt8(ascii: ">") : first
            var end = start + 1
            while end < n, p[end] != closing, p[end] != 0x0A { end += 1 }
            guard end > start + 1 else { return nil }
            replaceValue(start + 1, end, kind)
            return end
        }
        var start = start
        // `Authorization: Bearer eyJ…`: the scheme stays, the credentials go.
        if kind == .token {
            for scheme in LogAnonymizer.authorizationSchemes
            where equalsIgnoringCase(start, start + scheme.count, scheme) && byte(start + scheme.count) == 0x20 {
                start += scheme.count + 1
                while byte(start) == 0x20 { start += 1 }
                break
            }
        }
        let end = valueEnd(from: start, multiWord: kind == .user)
        guard end > start else { return nil }
        replaceValue(start, end, kind)
        return end
    }

    /// The end of a bare value starting at `start`. A name may have spaces and commas (`Jean Dupont`,
    /// `Dupont, Jean`): it runs on to the next `key=`, the end of its field or of the line.
    func valueEnd(from start: Int, multiWord: Bool) -> Int {
        var end = start
        while end < n {
            let byte = p[end]
            if byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ";")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ")")
                || byte == UInt8(ascii: "]")
                || byte == UInt8(ascii: "}") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "|")
                || byte == UInt8(ascii: "<")
            {
                break
            }
            if byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: ",") {
                guard multiWord else { break }
                var next = end + 1
                while next < n, p[next] == 0x20 || p[next] == 0x09 { next += 1 }
                guard next < n, !startsKey(next) else { break }
            }
            end += 1
        }
        // Trailing spaces and commas belong to the line, not the name.
        while end > start, p[end - 1] == 0x20 || p[end - 1] == 0x09 || p[end - 1] == UInt8(ascii: ",") { end -= 1 }
        return end
    }

    /// Whether a `word=` (or `word:`) starts at `index`: the next field of a line of key=value pairs.
    func startsKey(_ index: Int) -> Bool {
        var end = index
        while end < n, isClass(end, LogAnonymizer.keyByte) || p[end] == UInt8(ascii: ".") || p[end] == UInt8(ascii: "-")
        { end += 1 }
        return end > index && end < n
            && (p[end] == UInt8(ascii: "=") || (p[end] == UInt8(ascii: ":") && byte(end + 1) == 0x20))
            || (index < n && (p[index] == UInt8(ascii: "[") || p[index] == UInt8(ascii: "(")))
    }

    /// `"key": "value"` (JSON) or `'key': 'value'` with the colon at `i`.
    mutating func jsonKey(colon i: Int) -> Int? {
        // `"key"` right before the colon, or after spaces (`"key" : "value"`, as pretty printers write).
        var closing = i - 1
        while closing > copied, i - closing < 4, p[closing] == 0x20 || p[closing] == 0x09 { closing -= 1 }
        let quote = byte(closing)
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        // JSON inside a JSON string (docker's json-file logs): `\"key\":\"value\"`.
        let escaped = byte(closing - 1) == UInt8(ascii: "\\")
        let keyEnd = escaped ? closing - 1 : closing
        var keyStart = keyEnd - 1
        while keyStart >= copied, keyEnd - 1 - keyStart <= 32,
            isClass(keyStart, LogAnonymizer.keyByte) || byte(keyStart) == UInt8(ascii: "-")
        {
            keyStart -= 1
        }
        guard byte(keyStart) == quote, !escaped || byte(keyStart - 1) == UInt8(ascii: "\\"), keyStart + 1 < keyEnd,
            let kind = keys.kind(p, keyStart + 1, keyEnd)
        else { return nil }
        var valueStart = i + 1
        while valueStart < n, p[valueStart] == UInt8(ascii: " ") || p[valueStart] == UInt8(ascii: "\t") {
            valueStart += 1
        }
        if escaped, byte(valueStart) == UInt8(ascii: "\\"), byte(valueStart + 1) == UInt8(ascii: "\"") {
            // To the next `\"`.
            var end = valueStart + 2
            while end + 1 < n, !(p[end] == UInt8(ascii: "\\") && p[end + 1] == UInt8(ascii: "\"")), p[end] != 0x0A {
                end += 1
            }
            guard end > valueStart + 2 else { return nil }
            replaceValue(valueStart + 2, end, kind)
            return end
        }
        return value(at: valueStart, kind: kind)
    }
}
