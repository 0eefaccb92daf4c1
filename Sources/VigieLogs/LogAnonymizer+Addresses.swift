import VigieCore

// A facet of the pseudonymiser's scanner (LogAnonymizer.swift holds the type, its tables and its
// main loop): IPv4 and IPv6 addresses, e-mail addresses and JIDs, UUIDs.

extension LogAnonymizer.Scanner {
    // MARK: Numbers and IPv4

    /// At the first digit of a run: an IPv4 address, or the run is skipped.
    @inline(__always)
    mutating func digits(at i: Int) -> Int {
        // Inside a longer number or a dotted version (`1.2.3.4.5`): not the start of an address.
        let continuesNumber = isDigit(i - 1) || (byte(i - 1) == UInt8(ascii: ".") && isDigit(i - 2))
        if !continuesNumber, let end = ipv4(at: i) {
            if !isLoopbackOrUnspecified(i, end) { replace(i, end, .ip4) }
            return end
        }
        var end = i + 1
        while end < n, table[Int(p[end])] & LogAnonymizer.digit != 0 { end += 1 }
        return end
    }

    /// `127.x.x.x` and `0.0.0.0` belong to no one: they stay readable.
    @inline(__always) func isLoopbackOrUnspecified(_ start: Int, _ end: Int) -> Bool {
        (end - start >= 4 && p[start] == UInt8(ascii: "1") && p[start + 1] == UInt8(ascii: "2")
            && p[start + 2] == UInt8(ascii: "7")
            && p[start + 3] == UInt8(ascii: ".")) || (end - start == 7 && equals(start, end, Array("0.0.0.0".utf8)))
    }

    /// The end of a dotted quad of 0–255 starting at `start`, not followed by more of a number.
    func ipv4(at start: Int) -> Int? {
        var i = start
        for part in 0..<4 {
            var digits = 0
            var value = 0
            while i < n, p[i] >= 0x30, p[i] <= 0x39, digits < 4 {
                value = value * 10 + Int(p[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits >= 1, digits <= 3, value <= 255 else { return nil }
            if part < 3 {
                guard i < n, p[i] == UInt8(ascii: ".") else { return nil }
                i += 1
            }
        }
        // Not a fifth dotted part (`1.2.3.4.5` is a version, not an address) nor a longer number — unless
        // the fifth part is a port of two to five digits (tcpdump writes `203.0.113.5.51234`).
        if isDigit(i) { return nil }
        if byte(i) == UInt8(ascii: "."), isDigit(i + 1) {
            var end = i + 1
            while isDigit(end) { end += 1 }
            guard (2...5).contains(end - i - 1), byte(end) != UInt8(ascii: ".") else { return nil }
        }
        return i
    }

    // MARK: e-mail and JID

    /// `local@domain[/resource]` around the '@' at `i`, and what it is.
    func address(at i: Int) -> (Int, Int, Pseudonymizer.Kind)? {
        var start = i
        // Word bytes, and XEP-0106 escapes (`jean\40example.org@…`: a backslash and two hex digits).
        while start > copied,
            isClass(start - 1, LogAnonymizer.word)
                || (byte(start - 1) == UInt8(ascii: "\\") && isClass(start, LogAnonymizer.hex)
                    && isClass(start + 1, LogAnonymizer.hex))
        {
            start -= 1
        }
        guard start < i else { return nil }
        // `jean@[203.0.113.30]`: a domain literal.
        if byte(i + 1) == UInt8(ascii: "[") {
            var close = i + 2
            while close < n, close - i < 48, p[close] != UInt8(ascii: "]"), p[close] > 0x20 { close += 1 }
            if byte(close) == UInt8(ascii: "]") { return (start, close + 1, .email) }
        }
        var end = i + 1
        var dots = 0
        while end < n, isClass(end, LogAnonymizer.host) {
            if p[end] == UInt8(ascii: ".") { dots += 1 }
            end += 1
        }
        // A trailing dot ends the sentence, not the domain.
        while end > i + 1, p[end - 1] == UInt8(ascii: ".") {
            end -= 1
            dots -= 1
        }
        guard end > i + 1 else { return nil }
        // `ChatRoomImpl@43946807`: a Java object's identity hash, not an address.
        if dots == 0, (i + 1..<end).allSatisfy({ isClass($0, LogAnonymizer.hex) }) { return nil }
        let isMUC = muc(i + 1, end)
        var isJID =
            isMUC
            || xmppPrefixes.contains { prefix in
                end - (i + 1) > prefix.count && equalsIgnoringCase(i + 1, i + 1 + prefix.count, prefix)
            }
        if end < n, p[end] == UInt8(ascii: "/") {
            isJID = true
            end += 1
            while end < n {
                let byte = p[end]
                if byte <= 0x20 || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ")")
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ";")
                    || byte == UInt8(ascii: ">")
                {
                    break
                }
                end += 1
            }
        } else if dots == 0 {
            // `user@host` without a dot: an XMPP address on an internal host.
            isJID = true
        }
        return (start, end, isMUC ? .room : isJID ? .jid : .email)
    }

    // MARK: UUID

    /// An 8-4-4-4-12 hex UUID whose first dash is at `i`.
    func uuid(around i: Int) -> (Int, Int)? {
        let start = i - 8
        guard start >= copied, start >= 0 else { return nil }
        for index in start..<i where !isClass(index, LogAnonymizer.hex) { return nil }
        if isClass(start - 1, LogAnonymizer.hex) { return nil }
        var index = i
        for length in [4, 4, 4, 12] {
            guard index < n, p[index] == UInt8(ascii: "-") else { return nil }
            index += 1
            for _ in 0..<length {
                guard isClass(index, LogAnonymizer.hex) else { return nil }
                index += 1
            }
        }
        // Followed by more hex: not a lone UUID. Followed by '@': an anonymous user's JID, a JID's job.
        if isClass(index, LogAnonymizer.hex) || byte(index) == UInt8(ascii: "@") { return nil }
        return (start, index)
    }

    // MARK: ':' — IPv6, URLs, JSON keys

    mutating func colon(at i: Int) -> Int? {
        if byte(i + 1) == UInt8(ascii: "/"), byte(i + 2) == UInt8(ascii: "/"),
            let end = url(schemeColon: i, escaped: false)
        {
            return end
        }
        // A URL inside a JSON string: `https:\/\/host\/path`.
        if byte(i + 1) == UInt8(ascii: "\\"), byte(i + 2) == UInt8(ascii: "/"), byte(i + 3) == UInt8(ascii: "\\"),
            byte(i + 4) == UInt8(ascii: "/"), let end = url(schemeColon: i, escaped: true)
        {
            return end
        }
        if let end = jsonKey(colon: i) { return end }
        // `key: value` (a header, `nick: Jean Dupont`) and `key:value` (`room:teamweekly`).
        // (Keys end in a letter or '_': a time's `10:05` is not looked up.)
        if i > 0, isClass(i - 1, LogAnonymizer.keyByte), !isDigit(i - 1), byte(i + 1) != UInt8(ascii: "/"),
            byte(i + 1) != UInt8(ascii: ":"),
            let end = keyValue(at: i)
        {
            return end
        }
        // Cheap rejection first: an IPv6 address has "::" or six colons in its run of hex, ':' and '.'.
        var run = i + 1
        var colons = 1
        var doubleColon = byte(i + 1) == UInt8(ascii: ":") || byte(i - 1) == UInt8(ascii: ":")
        while run < n, run - i < 40 {
            let byte = p[run]
            if byte == UInt8(ascii: ":") {
                colons += 1
                if p[run - 1] == UInt8(ascii: ":") { doubleColon = true }
            } else if table[Int(byte)] & LogAnonymizer.hex == 0, byte != UInt8(ascii: ".") {
                break
            }
            run += 1
        }
        var back = i - 1
        while back >= copied, i - back < 40,
            table[Int(p[back])] & LogAnonymizer.hex != 0 || p[back] == UInt8(ascii: ":") || p[back] == UInt8(ascii: ".")
        {
            if p[back] == UInt8(ascii: ":") {
                colons += 1
                if back + 1 < n, p[back + 1] == UInt8(ascii: ":") { doubleColon = true }
            }
            back -= 1
        }
        // Not an address: the scan goes on just after this colon, so that digits further in the run
        // (`09:00.0.111.149:15`) still reach the IPv4 rule.
        guard doubleColon || colons >= 6 else { return i + 1 }
        switch ipv6(around: i) {
        case .address(let start, let end):
            replace(start, end, .ip6)
            return end
        case .none:
            return i + 1
        }
    }

    enum IPv6Match {
        case address(Int, Int)
        case none
    }

    /// An IPv6 literal containing the colon at `i`: the run of hex digits, colons and dots around it.
    /// An IPv6 literal containing the colon at `i`. Bounded work whatever the line: the run of hex digits,
    /// colons and dots is looked at 45 bytes (the longest textual address) on either side of the colon,
    /// and only a few candidates are parsed — from each start in the hex run before the first colon (an
    /// address glued after hex letters, `cafebabe2001:db8::5`), to the run's end or that end without
    /// its trailing ':' and '.'.
    func ipv6(around i: Int) -> IPv6Match {
        var start = i
        while start > copied, i - start < 45, isRunByte(start - 1) { start -= 1 }
        var end = i + 1
        while end < n, end - i < 45, isRunByte(end) { end += 1 }
        guard end - start >= 3 else { return .none }
        var colons = 0
        var doubleColon = false
        var firstColon = -1
        for index in start..<end where p[index] == UInt8(ascii: ":") {
            colons += 1
            if firstColon < 0 { firstColon = index }
            if index + 1 < end, p[index + 1] == UInt8(ascii: ":") { doubleColon = true }
        }
        // An IPv6 literal has "::" or at least six colons: times (12:30:05) and MACs never reach inet_pton.
        guard colons >= 2, doubleColon || colons >= 6 else { return .none }
        var trimmed = end
        while trimmed > start, p[trimmed - 1] == UInt8(ascii: ":") || p[trimmed - 1] == UInt8(ascii: ".") {
            trimmed -= 1
        }
        // `2001:db8::9.443`: an address, then a dotted port.
        var beforePort = trimmed
        while beforePort > start, isDigit(beforePort - 1) { beforePort -= 1 }
        if beforePort < trimmed, byte(beforePort - 1) == UInt8(ascii: "."),
            !(start..<beforePort - 1).contains(where: { p[$0] == UInt8(ascii: ".") })
        {
            beforePort -= 1
        } else {
            beforePort = trimmed
        }
        let ends = Array(Set([end, trimmed, beforePort])).sorted(by: >)
        // Glued to a word (`host_2001:db8::5`), the address must still have a group before "::": so that
        // `Foo::bar` (a C++ or Kotlin scope) is not read as "::ba".
        let wordBefore = isClass(start - 1, LogAnonymizer.word)
        // Starts: each position of the hex run before the first colon, and just after the first two colons
        // (`key:2001:db8::a`).
        var starts = Array(start...firstColon)
        var colon = firstColon
        for _ in 0..<2 {
            if colon + 1 < end, isClass(colon + 1, LogAnonymizer.hex) { starts.append(colon + 1) }
            colon += 1
            while colon < end, p[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < end else { break }
        }
        for first in starts {
            let glued = wordBefore || first > start
            for candidateEnd in ends {
                if let found = ipv6Candidate(first, candidateEnd, glued: glued) { return .address(found.0, found.1) }
            }
        }
        return .none
    }

    @inline(__always) func isRunByte(_ index: Int) -> Bool {
        isClass(index, LogAnonymizer.hex) || byte(index) == UInt8(ascii: ":") || byte(index) == UInt8(ascii: ".")
    }

    func ipv6Candidate(_ start: Int, _ end: Int, glued: Bool) -> (Int, Int)? {
        guard end - start >= 3, end - start <= 45 else { return nil }
        if glued, byte(start) == UInt8(ascii: ":") { return nil }
        // Not followed by more of a word (`::bar` in `Foo::bar`); a zone id (`%eth0`) may follow.
        let next = byte(end)
        guard !isClass(end, LogAnonymizer.word) || next == UInt8(ascii: ".") || next == UInt8(ascii: "%") else {
            return nil
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let address = IPAddress(text), address.family == .v6 else { return nil }
        if address.isLoopback || address.bytes.allSatisfy({ $0 == 0 }) { return nil }
        return (start, end)
    }
}
