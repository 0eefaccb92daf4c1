// The streaming pseudonymiser of `vigie logs anonymize`, one pass over bytes.
//
// Design for speed: no String per line and no regular expression. The scanner walks the line once,
// stopping only at bytes that can start or end something personal (a digit after a boundary, '@',
// '=', ':', '-', '/', a quote), and copies the bytes in between in bulk. At a stop it looks a few bytes
// back or ahead to recognise:
// - IPv4 addresses (also `ip:port`, inside ICE candidate lines) and IPv6 addresses (`[v6]:port`,
//   validated by inet_pton, so `14:18:26` is never taken for one);
// - e-mail addresses and XMPP JIDs (`user@domain/resource`, MUC JIDs carry the room);
// - UUIDs (BOSH sids, anonymous user ids, bridge ids);
// - `key=value` for the keys Jitsi puts people and rooms behind (`room`, `conf_name`, `stats_id`,
//   `ufrag`, `pwd`, `token`, `jwt`, `meeting_id`, `epId`…), in log contexts and query strings;
// - URL paths that name a room: the request line's first segment and the Referer's (`/RoomName`),
//   and the conference and endpoint ids of `/colibri-ws/<bridge>/<conference>/<endpoint>`.
// Everything else is copied unchanged, so timestamps, levels, classes and messages stay readable.

/// Anonymises log lines.
public struct LogAnonymizer: Sendable {
    public var pseudonymizer: Pseudonymizer

    public init(pseudonymizer: Pseudonymizer) {
        self.pseudonymizer = pseudonymizer
    }

    /// Keys whose value identifies a person, a room or a session, and the pseudonym kind for each.
    static let sensitiveKeys: [[UInt8]: Pseudonymizer.Kind] = {
        var keys: [String: Pseudonymizer.Kind] = [
            "room": .room, "conf_name": .room, "roomname": .room, "room_name": .room, "conference": .room, "R": .room,
            "stats_id": .user, "statsid": .user, "displayname": .user, "display_name": .user, "nick": .user, "name": .user,
            "user": .user, "username": .user, "email": .email,
            "ufrag": .ice, "local_ufrag": .ice, "remote_ufrag": .ice, "pwd": .ice, "password": .ice,
            "token": .token, "jwt": .token, "access_token": .token, "auth": .token,
            "meeting_id": .id, "meetingid": .id, "confid": .id, "conf_id": .id, "epid": .id, "ep_id": .id,
            "endpoint": .id, "endpointid": .id, "participant": .id, "sid": .id, "session": .id, "jid": .jid,
        ]
        keys["confId"] = .id
        keys["epId"] = .id
        keys["meetingId"] = .id
        keys["statsId"] = .user
        keys["displayName"] = .user
        return Dictionary(uniqueKeysWithValues: keys.map { (Array($0.key.utf8), $0.value) })
    }()

    /// FNV-1a hash of a key → its kind; a hit is confirmed byte for byte.
    static let sensitiveByHash: [UInt64: (key: [UInt8], kind: Pseudonymizer.Kind)] = {
        var table: [UInt64: ([UInt8], Pseudonymizer.Kind)] = [:]
        for (key, kind) in sensitiveKeys { table[fnv(key[...])] = (key, kind) }
        return table
    }()

    @inline(__always) static func fnv<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The static segments grouped by length.
    static let staticByLength: [[[UInt8]]] = {
        var groups = [[[UInt8]]](repeating: [], count: 32)
        for segment in staticSegments where segment.count < groups.count { groups[segment.count].append(segment) }
        return groups
    }()

    /// First URL path segments that are Jitsi Meet's own resources, not rooms.
    static let staticSegments: Set<[UInt8]> = Set(
        [
            "", "http-bind", "xmpp-websocket", "colibri-ws", "colibri", "libs", "css", "static", "images", "sounds",
            "fonts", "lang", "_unlock", "_api", "about", "metrics", "conference-request", "room-census",
            "http-pre-bind", ".well-known", "api", "health", "stats", "debug", "favicon.ico", "robots.txt",
        ].map { Array($0.utf8) }
    )

    /// Domains that are XMPP components of a Jitsi deployment: an address there is a JID, not an e-mail.
    static let xmppPrefixes: [[UInt8]] = ["auth.", "conference.", "guest.", "internal.", "internal-muc.", "muc.", "focus.", "recorder.", "lobby.", "breakout.", "visitors.", "meet.jitsi"].map { Array($0.utf8) }

    static let colibriWS = Array("colibri-ws".utf8)

    static let httpMethods: [[UInt8]] = ["GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT"].map { Array($0.utf8) }

    // Byte classes, looked up in one table.
    static let classes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] |= digit | hex | word | host }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "f") { table[Int(byte)] |= hex }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "F") { table[Int(byte)] |= hex }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] |= word | host }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] |= word | host }
        for byte in Array("._-".utf8) { table[Int(byte)] |= word | host }
        for byte in Array("+%".utf8) { table[Int(byte)] |= word }
        for byte in Array("@=:-/'\"".utf8) { table[Int(byte)] |= stop }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] |= stop }
        return table
    }()
    /// The class table at a fixed address, read in the hot loop without the lazy-initialisation check
    /// of a `static let` array. Made once, never freed, never written after.
    nonisolated(unsafe) static let classPointer: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for index in 0..<256 { pointer[index] = classes[index] }
        return UnsafePointer(pointer)
    }()

    static let digit: UInt8 = 1
    static let hex: UInt8 = 2
    static let word: UInt8 = 4
    static let host: UInt8 = 8
    static let stop: UInt8 = 16

    /// Anonymises a buffer of whole lines (or any bytes: a line boundary is just a byte here),
    /// appending the result to `out`.
    public mutating func anonymize(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // The scanner works on the pseudonymizer in place: a copy would duplicate its cache
        // (copy-on-write) at every block.
        withUnsafeMutablePointer(to: &pseudonymizer) { pseudonymizer in
            var scanner = Scanner(input: input, pseudonymizer: pseudonymizer)
            scanner.run(into: &out)
        }
    }

    /// Convenience for tests and small inputs.
    public mutating func anonymize(_ text: String) -> String {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { anonymize($0, into: &out) }
        bytes.removeAll()
        return String(decoding: out, as: UTF8.self)
    }

    struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        let table: UnsafePointer<UInt8>
        /// Valid for the scan only (see `anonymize`).
        let pseudonymizer: UnsafeMutablePointer<Pseudonymizer>
        var copied = 0
        // The static tables, fetched once per block rather than once per use.
        let sensitiveByHash = LogAnonymizer.sensitiveByHash
        let staticByLength = LogAnonymizer.staticByLength
        let httpMethods = LogAnonymizer.httpMethods
        let xmppPrefixes = LogAnonymizer.xmppPrefixes
        let colibriWS = LogAnonymizer.colibriWS

        init(input: UnsafeBufferPointer<UInt8>, pseudonymizer: UnsafeMutablePointer<Pseudonymizer>) {
            self.b = input
            self.table = LogAnonymizer.classPointer
            self.pseudonymizer = pseudonymizer
        }

        /// Whether `b[start..<end]` equals `bytes`, compared in place.
        @inline(__always) func equals(_ start: Int, _ end: Int, _ bytes: [UInt8]) -> Bool {
            guard end - start == bytes.count, start >= 0, end <= b.count else { return false }
            var index = 0
            while index < bytes.count {
                if b[start + index] != bytes[index] { return false }
                index += 1
            }
            return true
        }
        @inline(__always) func isClass(_ index: Int, _ mask: UInt8) -> Bool {
            index >= 0 && index < b.count && table[Int(b[index])] & mask != 0
        }

        /// Replaces `b[start..<end]` by its pseudonym.
        mutating func replace(_ start: Int, _ end: Int, _ kind: Pseudonymizer.Kind, into out: inout [UInt8]) {
            guard end > start, start >= copied else { return }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<start]))
            pseudonymizer.pointee.append(kind, UnsafeBufferPointer(rebasing: b[start..<end]), to: &out)
            copied = end
        }

        mutating func run(into out: inout [UInt8]) {
            out.reserveCapacity(out.count + b.count + b.count / 8)
            var i = 0
            let n = b.count
            let stopMask = LogAnonymizer.stop
            while i < n {
                // Most bytes stop nothing: skip them in a tight loop.
                while i < n, table[Int(b[i])] & stopMask == 0 { i += 1 }
                guard i < n else { break }
                let c = b[i]
                let k = table[Int(c)]
                if k & LogAnonymizer.digit != 0 {
                    // A number starts here only after a boundary; otherwise skip the whole word.
                    if i > 0, isClass(i - 1, LogAnonymizer.word) {
                        i += 1
                        continue
                    }
                    if let end = ipv4(at: i) {
                        // Loopback and the unspecified address belong to no one: they stay readable.
                        if !(b[i] == UInt8(ascii: "1") && b[i + 1] == UInt8(ascii: "2") && b[i + 2] == UInt8(ascii: "7") && b[i + 3] == UInt8(ascii: "."))
                            && !(end - i == 7 && Array(b[i..<end]).elementsEqual("0.0.0.0".utf8))
                        {
                            replace(i, end, .ip4, into: &out)
                        }
                        i = end
                        continue
                    }
                    i += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "@"):
                    if let (start, end, isJID) = address(at: i) {
                        replace(start, end, isJID ? .jid : .email, into: &out)
                        i = end
                        continue
                    }
                case UInt8(ascii: "="):
                    if let (kind, end) = keyValue(at: i) {
                        replace(i + 1, end, kind, into: &out)
                        i = end
                        continue
                    }
                case UInt8(ascii: ":"):
                    if let (start, end) = ipv6(around: i) {
                        replace(start, end, .ip6, into: &out)
                        i = end
                        continue
                    }
                    if let end = urlPath(afterScheme: i, into: &out) {
                        i = end
                        continue
                    }
                case UInt8(ascii: "-"):
                    if let (start, end) = uuid(around: i) {
                        replace(start, end, .id, into: &out)
                        i = end
                        continue
                    }
                case UInt8(ascii: "/"):
                    if let end = requestPath(at: i, into: &out) {
                        i = end
                        continue
                    }
                default:
                    break
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n]))
            copied = n
        }

        // MARK: IPv4

        /// The end of a dotted-quad address starting at `i`, not followed by more of a number.
        func ipv4(at start: Int) -> Int? {
            var i = start
            for part in 0..<4 {
                var digits = 0
                var value = 0
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39, digits < 4 {
                    value = value * 10 + Int(b[i] - 0x30)
                    digits += 1
                    i += 1
                }
                guard digits >= 1, digits <= 3, value <= 255 else { return nil }
                if part < 3 {
                    guard i < b.count, b[i] == UInt8(ascii: ".") else { return nil }
                    i += 1
                }
            }
            // Not part of a longer dotted number (a version 1.2.3.4.5) or a word.
            if i < b.count, isClass(i, LogAnonymizer.word), !(b[i] == UInt8(ascii: ".") && !isClass(i + 1, LogAnonymizer.digit)),
                b[i] != UInt8(ascii: "-")
            {
                return nil
            }
            return i
        }

        // MARK: IPv6

        /// An IPv6 literal containing the colon at `i`: the run of hex digits, colons and dots around it.
        func ipv6(around i: Int) -> (Int, Int)? {
            var start = i
            while start > copied, isClass(start - 1, LogAnonymizer.hex) || b[start - 1] == UInt8(ascii: ":") || b[start - 1] == UInt8(ascii: ".") {
                start -= 1
            }
            var end = i + 1
            var colons = 0
            while end < b.count, isClass(end, LogAnonymizer.hex) || b[end] == UInt8(ascii: ":") || b[end] == UInt8(ascii: ".") {
                end += 1
            }
            var doubleColon = false
            for index in start..<end where b[index] == UInt8(ascii: ":") {
                colons += 1
                if index + 1 < end, b[index + 1] == UInt8(ascii: ":") { doubleColon = true }
            }
            // An IPv6 literal has "::" or at least six colons: times (12:30:05) and MACs never reach inet_pton.
            guard colons >= 2, doubleColon || colons >= 6, end - start >= 3, end - start <= 45 else { return nil }
            // Preceded by a word byte that is not hex: part of a word (`c2s55a5d:`…), not an address.
            if start > 0, isClass(start - 1, LogAnonymizer.word), !isClass(start - 1, LogAnonymizer.hex) { return nil }
            // Try the longest run, then without a trailing ':' or '.' (`[::1]:port` is handled by the brackets).
            var candidateEnd = end
            while candidateEnd > start + 2 {
                let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<candidateEnd]), as: UTF8.self)
                if let address = IPAddress(text), address.family == .v6, text.contains(":") {
                    if address.isLoopback || address.bytes.allSatisfy({ $0 == 0 }) { return nil }
                    return (start, candidateEnd)
                }
                let last = b[candidateEnd - 1]
                guard last == UInt8(ascii: ":") || last == UInt8(ascii: ".") || isClass(candidateEnd - 1, LogAnonymizer.hex) else { break }
                candidateEnd -= 1
            }
            return nil
        }

        // MARK: e-mail and JID

        /// `local@domain[/resource]` around the '@' at `i`.
        func address(at i: Int) -> (Int, Int, Bool)? {
            var start = i
            while start > copied, isClass(start - 1, LogAnonymizer.word) { start -= 1 }
            guard start < i else { return nil }
            var end = i + 1
            var dots = 0
            while end < b.count, isClass(end, LogAnonymizer.host) {
                if b[end] == UInt8(ascii: ".") { dots += 1 }
                end += 1
            }
            // A trailing dot ends the sentence, not the domain.
            while end > i + 1, b[end - 1] == UInt8(ascii: ".") {
                end -= 1
                dots -= 1
            }
            guard end > i + 1 else { return nil }
            // `ChatRoomImpl@43946807`: a Java object's identity hash, not an address.
            if dots == 0, (i + 1..<end).allSatisfy({ isClass($0, LogAnonymizer.hex) }) { return nil }
            var isJID = xmppPrefixes.contains { prefix in
                end - (i + 1) > prefix.count && equals(i + 1, i + 1 + prefix.count, prefix)
            }
            if end < b.count, b[end] == UInt8(ascii: "/") {
                isJID = true
                end += 1
                while end < b.count {
                    let byte = b[end]
                    if byte <= 0x20 || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ")")
                        || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ";")
                    {
                        break
                    }
                    end += 1
                }
            } else if dots == 0 {
                // `user@host` without a dot: an XMPP address on an internal host.
                isJID = true
            }
            return (start, end, isJID)
        }

        // MARK: UUID

        /// An 8-4-4-4-12 hex UUID whose first dash is at `i`.
        func uuid(around i: Int) -> (Int, Int)? {
            let start = i - 8
            guard start >= copied, start >= 0 else { return nil }
            for index in start..<i where !isClass(index, LogAnonymizer.hex) { return nil }
            if start > 0, isClass(start - 1, LogAnonymizer.hex) { return nil }
            var index = i
            for length in [4, 4, 4, 12] {
                guard index < b.count, b[index] == UInt8(ascii: "-") else { return nil }
                index += 1
                for _ in 0..<length {
                    guard isClass(index, LogAnonymizer.hex) else { return nil }
                    index += 1
                }
            }
            // Followed by more hex or by '@' (an anonymous user's JID): not a lone UUID.
            if isClass(index, LogAnonymizer.hex) || (index < b.count && b[index] == UInt8(ascii: "@")) { return nil }
            return (start, index)
        }

        // MARK: key=value

        /// A sensitive `key=value`: the kind and the end of the value.
        func keyValue(at i: Int) -> (Pseudonymizer.Kind, Int)? {
            var keyStart = i
            while keyStart > 0, i - keyStart < 24, isClass(keyStart - 1, LogAnonymizer.word), b[keyStart - 1] != UInt8(ascii: "-") {
                keyStart -= 1
            }
            guard keyStart < i, let entry = sensitiveByHash[LogAnonymizer.fnv(UnsafeBufferPointer(rebasing: b[keyStart..<i]))],
                equals(keyStart, i, entry.key)
            else { return nil }
            let kind = entry.kind
            var end = i + 1
            // A bracketed value (`conf_name=[OBFUSCATED]`) ends at its bracket.
            let bracketed = end < b.count && b[end] == UInt8(ascii: "[")
            while end < b.count {
                let byte = b[end]
                if byte <= 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";")
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ")")
                {
                    break
                }
                if byte == UInt8(ascii: "]") {
                    if bracketed { end += 1 }
                    break
                }
                end += 1
            }
            guard end > i + 1 else { return nil }
            return (kind, end)
        }

        // MARK: URL paths

        /// `scheme://host[:port]/segment…` with the colon at `i`: pseudonymises the room segment.
        mutating func urlPath(afterScheme i: Int, into out: inout [UInt8]) -> Int? {
            guard i + 2 < b.count, b[i + 1] == UInt8(ascii: "/"), b[i + 2] == UInt8(ascii: "/") else { return nil }
            var index = i + 3
            while index < b.count, isClass(index, LogAnonymizer.host) || b[index] == UInt8(ascii: ":") || b[index] == UInt8(ascii: "[")
                || b[index] == UInt8(ascii: "]")
            {
                index += 1
            }
            guard index < b.count, b[index] == UInt8(ascii: "/") else { return nil }
            return pathSegments(from: index, into: &out)
        }

        /// The path of an HTTP request line (`"GET /room HTTP/1.1"`), with '/' at `i`.
        mutating func requestPath(at i: Int, into out: inout [UInt8]) -> Int? {
            guard i >= 2, b[i - 1] == UInt8(ascii: " ") else { return nil }
            var methodStart = i - 1
            while methodStart > 0, b[methodStart - 1] >= UInt8(ascii: "A"), b[methodStart - 1] <= UInt8(ascii: "Z") { methodStart -= 1 }
            guard httpMethods.contains(where: { equals(methodStart, i - 1, $0) }) else { return nil }
            return pathSegments(from: i, into: &out)
        }

        /// From the path's first '/': the first segment when it is a room, the conference and endpoint
        /// of `/colibri-ws/…`; the query string is left to the key=value rule.
        mutating func pathSegments(from slash: Int, into out: inout [UInt8]) -> Int {
            // Up to four segments, kept in locals (no allocation per request line).
            var starts = (0, 0, 0, 0)
            var ends = (0, 0, 0, 0)
            var count = 0
            var index = slash
            while index < b.count, b[index] == UInt8(ascii: "/"), count < 4 {
                let start = index + 1
                var end = start
                while end < b.count {
                    let byte = b[end]
                    if byte <= 0x20 || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
                        || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
                    {
                        break
                    }
                    end += 1
                }
                switch count {
                case 0: (starts.0, ends.0) = (start, end)
                case 1: (starts.1, ends.1) = (start, end)
                case 2: (starts.2, ends.2) = (start, end)
                default: (starts.3, ends.3) = (start, end)
                }
                count += 1
                index = end
            }
            guard count > 0 else { return slash + 1 }
            let length = ends.0 - starts.0
            if equals(starts.0, ends.0, colibriWS) {
                // /colibri-ws/<bridge>/<conference>/<endpoint>
                if count > 2, ends.2 > starts.2 { replace(starts.2, ends.2, .id, into: &out) }
                if count > 3, ends.3 > starts.3 { replace(starts.3, ends.3, .id, into: &out) }
            } else if length > 0, !(length < staticByLength.count && staticByLength[length].contains { equals(starts.0, ends.0, $0) }),
                !(starts.0..<ends.0).contains(where: { b[$0] == UInt8(ascii: ".") })
            {
                replace(starts.0, ends.0, .room, into: &out)
            }
            let last =
                switch count {
                case 1: ends.0
                case 2: ends.1
                case 3: ends.2
                default: ends.3
                }
            return max(last, slash + 1)
        }
    }
}
