import VigieCore

// A facet of the pseudonymiser's scanner (LogAnonymizer.swift holds the type, its tables and its
// main loop): URLs, request lines and the rooms in their paths.

extension LogAnonymizer.Scanner {
    // MARK: URLs and request paths

    /// `scheme://host[:port][/path…]` with the scheme's colon at `i`. Address hosts are replaced; the
    /// path's first segment is a room only on the site's own hosts or in a Referer; the rest of the
    /// URL is left to the other rules (a query's `room=`, an address in a path).
    mutating func url(schemeColon i: Int, escaped: Bool) -> Int? {
        var schemeStart = i
        while schemeStart > copied, isClass(schemeStart - 1, LogAnonymizer.word),
            p[schemeStart - 1] != UInt8(ascii: "_")
        { schemeStart -= 1 }
        guard schemeStart < i else { return nil }
        let hostStart = i + (escaped ? 5 : 3)
        var index = hostStart
        var hostEnd: Int
        if byte(index) == UInt8(ascii: "[") {
            // [IPv6]
            var close = index + 1
            while close < n, close - index < 48, p[close] != UInt8(ascii: "]") { close += 1 }
            guard close < n, p[close] == UInt8(ascii: "]") else { return nil }
            let text = String(
                decoding: UnsafeBufferPointer(start: p + index + 1, count: close - index - 1),
                as: UTF8.self
            )
            let percent = text.firstIndex(of: "%").map { String(text[..<$0]) } ?? text
            if let address = IPAddress(percent), address.family == .v6, !address.isLoopback,
                !address.bytes.allSatisfy({ $0 == 0 })
            {
                replace(index + 1, close, .ip6)
            }
            hostEnd = close + 1
            index = hostEnd
        } else {
            while index < n, isClass(index, LogAnonymizer.host) { index += 1 }
            hostEnd = index
            guard hostEnd > hostStart else { return nil }
            if isDigit(hostStart), let end = ipv4(at: hostStart), end == hostEnd {
                if !isLoopbackOrUnspecified(hostStart, hostEnd) { replace(hostStart, hostEnd, .ip4) }
            }
        }
        // :port
        if byte(index) == UInt8(ascii: ":") {
            var portEnd = index + 1
            while isDigit(portEnd) { portEnd += 1 }
            index = portEnd
        }
        // The path starts at '/' (or at `\/` in a JSON string).
        let slash = escaped && byte(index) == UInt8(ascii: "\\") ? index + 1 : index
        if byte(slash) == UInt8(ascii: "/"),
            isSiteHost(hostStart, hostEnd) || isReferer(schemeStart) || isColibriPath(slash + 1)
        {
            // The host is skipped for the path's sake: an address glued in it is found first.
            if copied <= hostStart { scanForAddresses(hostStart, hostEnd) }
            return pathSegments(from: slash)
        }
        // A host that is not an address literal is scanned like any text (`203.0.113.22ly` holds one).
        return copied > hostStart ? index : hostStart
    }

    /// Whether `start..<end` is one of the site's host names (a final '.' of an absolute name aside).
    func isSiteHost(_ start: Int, _ end: Int) -> Bool {
        let end = end > start && p[end - 1] == UInt8(ascii: ".") ? end - 1 : end
        return siteHosts.contains { equalsIgnoringCase(start, end, $0) }
    }

    /// Whether a path segment `colibri-ws` starts at `index`: a bridge's websocket, on whatever host.
    @inline(__always) func isColibriPath(_ index: Int) -> Bool {
        byte(index) == UInt8(ascii: "c") && equals(index, index + colibriWS.count, colibriWS)
            && (byte(index + colibriWS.count) == UInt8(ascii: "/")
                || byte(index + colibriWS.count) == UInt8(ascii: "\\"))
    }

    /// A site URL without its scheme (`meet.example.org/Room`), with the '/' at `i`.
    mutating func schemelessSitePath(at i: Int) -> Int? {
        // Cheap rejection first: the byte before the '/' must end one of the site's host names.
        guard i > 0, siteHostEnds[Int(p[i - 1] | 0x20) & 0xFF] else { return nil }
        var hostStart = i
        while hostStart > copied, i - hostStart < 254, isClass(hostStart - 1, LogAnonymizer.host) { hostStart -= 1 }
        // After `//` only when no scheme precedes (`//meet.example.org/Room`; `https://` is the URL rule's).
        if byte(hostStart - 1) == UInt8(ascii: "/") {
            guard byte(hostStart - 2) == UInt8(ascii: "/"), byte(hostStart - 3) != UInt8(ascii: ":") else { return nil }
        }
        guard isSiteHost(hostStart, i) else { return nil }
        return pathSegments(from: i)
    }

    /// Whether the URL starting at `start` is an access log's Referer: `"… HTTP/1.1" 200 512 "URL`, or
    /// nginx's error log `referrer: "URL`.
    func isReferer(_ start: Int) -> Bool {
        guard byte(start - 1) == UInt8(ascii: "\"") else { return false }
        if start - 1 >= referrerLabel.count, equals(start - referrerLabel.count, start, referrerLabel) {
            return true
        }
        // ` <status> <bytes|-> "`
        var index = start - 2
        guard byte(index) == 0x20 else { return false }
        index -= 1
        let bytesEnd = index
        while index >= 0, isDigit(index) || byte(index) == UInt8(ascii: "-") { index -= 1 }
        guard index < bytesEnd, byte(index) == 0x20 else { return false }
        index -= 1
        var statusDigits = 0
        while index >= 0, isDigit(index) {
            statusDigits += 1
            index -= 1
        }
        return statusDigits == 3 && byte(index) == 0x20 && byte(index - 1) == UInt8(ascii: "\"")
    }

    /// The path of an HTTP request line (`"GET /room HTTP/1.1"`), with '/' at `i`.
    mutating func requestPath(at i: Int) -> Int? {
        var methodEnd = i
        while methodEnd > copied, i - methodEnd < 8, p[methodEnd - 1] == 0x20 || p[methodEnd - 1] == 0x09 {
            methodEnd -= 1
        }
        guard methodEnd < i else { return nil }
        var methodStart = methodEnd
        while methodStart > 0, methodEnd - methodStart < 10, (p[methodStart - 1] | 0x20) >= UInt8(ascii: "a"),
            (p[methodStart - 1] | 0x20) <= UInt8(ascii: "z")
        {
            methodStart -= 1
        }
        guard httpMethods.contains(where: { equalsIgnoringCase(methodStart, methodEnd, $0) }) else { return nil }
        return pathSegments(from: i)
    }

    /// The end of the path segment starting at `start`.
    func segmentEnd(_ start: Int) -> Int {
        var end = start
        while end < n {
            let byte = p[end]
            if byte <= 0x20 || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\\")
            {
                break
            }
            end += 1
        }
        return end
    }

    /// Whether `start..<end` ends in the extension of one of Jitsi Meet's files (`app.bundle.min.js`).
    func hasStaticExtension(_ start: Int, _ end: Int) -> Bool {
        var dot = end - 1
        while dot > start, p[dot] != UInt8(ascii: ".") { dot -= 1 }
        guard dot > start || (dot == start && p[dot] == UInt8(ascii: ".")) else { return false }
        return LogAnonymizer.staticExtensions.contains { equalsIgnoringCase(dot + 1, end, $0) }
    }

    /// From a path's first '/': the first segment when it is a room, the conference and endpoint of
    /// `/colibri-ws/…`. Returns the end of what it handled; the rest of the path and the query are
    /// scanned by the other rules.
    mutating func pathSegments(from slash: Int) -> Int {
        // `//Room` and `/./Room` name the same room as `/Room`.
        var slash = slash
        while byte(slash + 1) == UInt8(ascii: "/")
            || (byte(slash + 1) == UInt8(ascii: ".") && byte(slash + 2) == UInt8(ascii: "/"))
        {
            slash += byte(slash + 1) == UInt8(ascii: "/") ? 1 : 2
        }
        let firstStart = slash + 1
        let firstEnd = segmentEnd(firstStart)
        let length = firstEnd - firstStart
        if equals(firstStart, firstEnd, colibriWS) {
            // /colibri-ws/<bridge>/<conference>/<endpoint>: the bridge is left to the other rules.
            guard byte(firstEnd) == UInt8(ascii: "/") else { return firstEnd }
            let bridgeEnd = segmentEnd(firstEnd + 1)
            guard byte(bridgeEnd) == UInt8(ascii: "/") else { return firstEnd + 1 }
            let conferenceEnd = segmentEnd(bridgeEnd + 1)
            // The bridge segment is not personal, but an address in it is: scanned for one first.
            scanForAddresses(firstEnd + 1, bridgeEnd)
            replace(bridgeEnd + 1, conferenceEnd, .id)
            if byte(conferenceEnd) == UInt8(ascii: "/") {
                let endpointEnd = segmentEnd(conferenceEnd + 1)
                replace(conferenceEnd + 1, endpointEnd, .id)
                return max(endpointEnd, conferenceEnd + 1)
            }
            return max(conferenceEnd, bridgeEnd + 1)
        }
        let isStatic =
            length < staticByLength.count && staticByLength[length].contains { equals(firstStart, firstEnd, $0) }
        if length > 0, !isStatic, !hasStaticExtension(firstStart, firstEnd) {
            replace(firstStart, firstEnd, .room)
            return firstEnd
        }
        return firstStart
    }
}
