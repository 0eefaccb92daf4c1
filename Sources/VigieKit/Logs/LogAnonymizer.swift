// The streaming pseudonymiser of `vigie logs anonymize`, one pass over bytes.
//
// It does not parse log formats: it recognises the personal values themselves, wherever they are,
// so that a Jitsi version, a docker prefix or a localised level it has never seen changes nothing.
// The scanner walks each line once, stopping only at bytes that can start something personal (a
// digit, '@', '=', ':', '-', '/'), and copies the bytes in between in bulk. At a stop it looks a
// few bytes back or ahead to recognise:
// - IPv4 addresses anywhere a dotted quad of 0–255 is not part of a longer dotted number — also glued
//   to letters or '_' (`host_203.0.113.11`), as `ip:port`, in ICE candidates, as URL hosts;
// - IPv6 addresses (`[v6]:port`, URL hosts, validated by inet_pton so `14:18:26` is never one);
// - e-mail addresses and XMPP JIDs; a MUC JID (`room@conference.domain/nick`) keeps its MUC domain,
//   its room becomes a room pseudonym and its nick a user pseudonym;
// - UUIDs (BOSH sids, anonymous user ids, bridge ids);
// - the values of the keys Jitsi puts people, rooms and sessions behind (`room`, `conf_name`,
//   `stats_id`, `nick`, `ufrag`, `pwd`, `token`, `id`, `meeting_id`, `epId`…), whatever their case, in
//   every form logs write them: `key=value`, `key="value"`, `key='value'`, `key=[value]`, JSON
//   `"key": "value"`; a display name runs to the next `key=` or the end of its field, because the end
//   of a multi-word value cannot be known and the doubt goes to privacy;
// - room names in URL paths, only where they are rooms: the path of a request line, of a URL on the
//   site's own host names, and of an access log's Referer — never a namespace
//   (`http://jitsi.org/protocol/colibri`) or another host's path — and the conference and endpoint of
//   `/colibri-ws/<bridge>/<conference>/<endpoint>`.
// Everything else is copied unchanged: timestamps, levels, classes, messages, status codes.

/// Anonymises log lines.
public struct LogAnonymizer: Sendable {
    public var pseudonymizer: Pseudonymizer
    /// The Jitsi site's own host names, lower-case: a URL path on them names a room.
    public var siteHosts: [[UInt8]]

    public init(pseudonymizer: Pseudonymizer, siteHosts: [String] = []) {
        self.pseudonymizer = pseudonymizer
        self.siteHosts = siteHosts.map { Array($0.lowercased().utf8) }
    }

    /// Keys whose value identifies a person, a room or a session (lower-case), and the pseudonym kind.
    static let sensitiveKeys: [(String, Pseudonymizer.Kind)] = [
        ("room", .room), ("conf_name", .room), ("confname", .room), ("roomname", .room), ("room_name", .room),
        ("conference", .room), ("conference_name", .room), ("conferencename", .room), ("r", .room), ("muc", .room),
        ("room_jid", .room), ("roomjid", .room),
        ("stats_id", .user), ("statsid", .user), ("displayname", .user), ("display_name", .user), ("nick", .user),
        ("nickname", .user), ("name", .user), ("user", .user), ("username", .user), ("user_name", .user),
        ("fullname", .user), ("full_name", .user), ("stats-id", .user), ("display-name", .user),
        ("participantname", .user), ("participant_name", .user), ("userdisplayname", .user), ("user_display_name", .user),
        ("callername", .user), ("caller_name", .user), ("email", .email), ("mail", .email),
        ("ufrag", .ice), ("local_ufrag", .ice), ("remote_ufrag", .ice), ("pwd", .ice), ("password", .ice),
        ("token", .token), ("jwt", .token), ("access_token", .token), ("auth", .token), ("authorization", .token),
        ("id", .id), ("gid", .id), ("meeting_id", .id), ("meetingid", .id), ("confid", .id), ("conf_id", .id),
        ("conference_id", .id), ("conferenceid", .id), ("epid", .id), ("ep_id", .id), ("ep", .id), ("endpoint", .id),
        ("endpointid", .id), ("endpoint_id", .id), ("participant", .id), ("participantid", .id), ("participant_id", .id),
        ("sid", .id), ("session", .id), ("sessionid", .id), ("session_id", .id), ("uid", .id), ("userid", .id),
        ("user_id", .id), ("occupant", .id), ("jid", .jid), ("from", .jid), ("to", .jid),
    ]

    /// The keys in an open-addressing table of 256 slots, by FNV-1a of the lower-cased key; a hit is
    /// confirmed byte for byte. No dictionary and no allocation in the scan.
    static let keyTable: KeyTable = KeyTable(sensitiveKeys)

    struct KeyTable: Sendable {
        static let slots = 256
        static let width = 24
        /// Each slot's key, lower-case, padded to `width` bytes; its length (0: empty) and kind.
        var bytes: [UInt8] = Array(repeating: 0, count: slots * width)
        var lengths: [Int] = Array(repeating: 0, count: slots)
        var kinds: [Pseudonymizer.Kind] = Array(repeating: .id, count: slots)

        init(_ entries: [(String, Pseudonymizer.Kind)]) {
            for (key, kind) in entries {
                let key = Array(key.utf8)
                precondition(key.count <= Self.width)
                var slot = Int(KeyTable.hash(key) & UInt64(Self.slots - 1))
                while lengths[slot] != 0 { slot = (slot + 1) & (Self.slots - 1) }
                for (offset, byte) in key.enumerated() { bytes[slot * Self.width + offset] = byte | 0x20 }
                lengths[slot] = key.count
                kinds[slot] = kind
            }
        }

        static func hash<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte | 0x20)) &* 0x0000_0100_0000_01B3 }
            return hash
        }

        /// The kind of the key at `start..<end` of `p`, compared without regard to ASCII case.
        @inline(__always)
        func kind(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Pseudonymizer.Kind? {
            let length = end - start
            guard length <= Self.width else { return nil }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for index in start..<end { hash = (hash ^ UInt64(p[index] | 0x20)) &* 0x0000_0100_0000_01B3 }
            var slot = Int(hash & UInt64(Self.slots - 1))
            return bytes.withUnsafeBufferPointer { table -> Pseudonymizer.Kind? in
                lengths.withUnsafeBufferPointer { lengths -> Pseudonymizer.Kind? in
                    while lengths[slot] != 0 {
                        if lengths[slot] == length {
                            var same = true
                            let base = slot * Self.width
                            for offset in 0..<length where (p[start + offset] | 0x20) != table[base + offset] {
                                same = false
                                break
                            }
                            if same { return kinds[slot] }
                        }
                        slot = (slot + 1) & (Self.slots - 1)
                    }
                    return nil
                }
            }
        }
    }

    /// First URL path segments that are Jitsi Meet's own resources, not rooms.
    static let staticSegments: Set<[UInt8]> = Set(
        [
            "", "http-bind", "xmpp-websocket", "colibri-ws", "colibri", "libs", "css", "static", "images", "sounds",
            "fonts", "lang", "_unlock", "_api", "about", "metrics", "conference-request", "room-census",
            "http-pre-bind", ".well-known", "api", "health", "stats", "debug", "favicon.ico", "robots.txt",
        ].map { Array($0.utf8) }
    )

    /// The static segments grouped by length.
    static let staticByLength: [[[UInt8]]] = {
        var groups = [[[UInt8]]](repeating: [], count: 32)
        for segment in staticSegments where segment.count < groups.count { groups[segment.count].append(segment) }
        return groups
    }()

    /// XMPP component domains of a Jitsi deployment: an address there is a JID, not an e-mail.
    static let xmppPrefixes: [[UInt8]] = [
        "auth.", "conference.", "guest.", "internal.", "internal-muc.", "muc.", "focus.", "recorder.", "lobby.",
        "breakout.", "visitors.", "meet.jitsi",
    ].map { Array($0.utf8) }
    /// The MUC components among them: the local part of a JID there is a room.
    static let mucPrefixes: [[UInt8]] = ["conference.", "internal-muc.", "muc.", "lobby.", "breakout.", "internal.auth.", "visitors."]
        .map { Array($0.utf8) }

    static let httpMethods: [[UInt8]] = [
        "GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PROPFIND", "PROPPATCH", "MKCOL",
        "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT",
    ].map { Array($0.utf8) }
    /// File extensions of Jitsi Meet's own resources: a first path segment with one is a file, not a room.
    static let staticExtensions: [[UInt8]] = [
        "js", "mjs", "css", "html", "htm", "ico", "png", "svg", "jpg", "jpeg", "gif", "webp", "json", "txt", "xml", "woff",
        "woff2", "ttf", "eot", "otf", "map", "wasm", "mp3", "wav", "ogg", "opus", "webmanifest", "pdf", "gz", "br",
    ].map { Array($0.utf8) }
    static let colibriWS = Array("colibri-ws".utf8)
    static let authorizationSchemes: [[UInt8]] = ["Bearer", "Basic", "Token", "JWT"].map { Array($0.utf8) }
    static let referrerLabel = Array("referrer: \"".utf8)

    // Byte classes, looked up in one table.
    static let digit: UInt8 = 1
    static let hex: UInt8 = 2
    static let word: UInt8 = 4
    static let host: UInt8 = 8
    static let stop: UInt8 = 16
    static let keyByte: UInt8 = 32

    /// The class table at a fixed address, read in the hot loop without the lazy-initialisation check of
    /// a `static let` array. Made once, never freed, never written after.
    nonisolated(unsafe) static let classPointer: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0, count: 256)
        func add(_ bytes: some Sequence<UInt8>, _ mask: UInt8) { for byte in bytes { table[Int(byte)] |= mask } }
        add(UInt8(ascii: "0")...UInt8(ascii: "9"), digit | hex | word | host | stop | keyByte)
        add(UInt8(ascii: "a")...UInt8(ascii: "f"), hex)
        add(UInt8(ascii: "A")...UInt8(ascii: "F"), hex)
        add(UInt8(ascii: "a")...UInt8(ascii: "z"), word | host | keyByte)
        add(UInt8(ascii: "A")...UInt8(ascii: "Z"), word | host | keyByte)
        add("._-".utf8, word | host)
        add("_".utf8, keyByte)
        add("+%".utf8, word)
        add("@=:-/<".utf8, stop)
        // UTF-8 bytes of non-ASCII letters: part of names and internationalised addresses (`josé@example.fr`).
        add(0x80...0xFF, word | host)
        return UnsafePointer(table)
    }()

    /// Anonymises a buffer of whole lines (any bytes: a line boundary is just a byte here), appending the
    /// result to `out`.
    public mutating func anonymize(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        anonymize(input) { output in out.append(contentsOf: output) }
    }

    /// Anonymises a buffer and hands the result to `body` (valid during the call only): a stream writes
    /// it out without another copy.
    public func anonymize<E: Error>(_ input: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(E) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var scanner = Scanner(p: base, n: input.count, pseudonymizer: pseudonymizer, siteHosts: siteHosts)
        defer { scanner.output.deallocate() }
        scanner.run()
        try body(UnsafeBufferPointer(start: scanner.output.baseAddress, count: scanner.written))
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
        let p: UnsafePointer<UInt8>
        let n: Int
        let table: UnsafePointer<UInt8>
        let pseudonymizer: Pseudonymizer
        let siteHosts: [[UInt8]]
        let keys: KeyTable
        // The static tables, fetched once per block rather than once per use.
        let mucPrefixes = LogAnonymizer.mucPrefixes
        let xmppPrefixes = LogAnonymizer.xmppPrefixes
        let httpMethods = LogAnonymizer.httpMethods
        let staticByLength = LogAnonymizer.staticByLength
        let colibriWS = LogAnonymizer.colibriWS
        let referrerLabel = LogAnonymizer.referrerLabel
        /// Which bytes end a site host name (lower-cased, or a final '.'): a 256-entry filter.
        let siteHostEnds: [Bool]
        var copied = 0
        /// The output, written in place: the input's bytes between the values, and the pseudonyms.
        var output: UnsafeMutableBufferPointer<UInt8>
        var written = 0

        init(p: UnsafePointer<UInt8>, n: Int, pseudonymizer: Pseudonymizer, siteHosts: [[UInt8]]) {
            self.p = p
            self.n = n
            self.table = LogAnonymizer.classPointer
            self.pseudonymizer = pseudonymizer
            self.siteHosts = siteHosts
            self.keys = LogAnonymizer.keyTable
            var ends = [Bool](repeating: false, count: 256)
            for host in siteHosts {
                if let last = host.last { ends[Int(last | 0x20)] = true }
                ends[Int(UInt8(ascii: ".") | 0x20)] = true
            }
            self.siteHostEnds = siteHosts.isEmpty ? [Bool](repeating: false, count: 256) : ends
            // Pseudonyms are longer than most values: room for a quarter more, grown when a block needs it.
            self.output = .allocate(capacity: n + n / 4 + 256)
        }

        /// Makes room for `extra` more bytes of output.
        @inline(__always) mutating func reserve(_ extra: Int) {
            guard written + extra > output.count else { return }
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(output.count * 2, written + extra + 256))
            grown.baseAddress!.update(from: output.baseAddress!, count: written)
            output.deallocate()
            output = grown
        }

        @inline(__always) func isClass(_ index: Int, _ mask: UInt8) -> Bool {
            index >= 0 && index < n && table[Int(p[index])] & mask != 0
        }
        @inline(__always) func byte(_ index: Int) -> UInt8 { index >= 0 && index < n ? p[index] : 0 }
        @inline(__always) func isDigit(_ index: Int) -> Bool { isClass(index, LogAnonymizer.digit) }

        /// Whether `p[start..<end]` equals `bytes`.
        @inline(__always) func equals(_ start: Int, _ end: Int, _ bytes: [UInt8]) -> Bool {
            guard end - start == bytes.count, start >= 0, end <= n else { return false }
            for index in 0..<bytes.count where p[start + index] != bytes[index] { return false }
            return true
        }

        /// Whether `p[start..<end]` equals `bytes` without regard to ASCII case.
        @inline(__always) func equalsIgnoringCase(_ start: Int, _ end: Int, _ bytes: [UInt8]) -> Bool {
            guard end - start == bytes.count, start >= 0, end <= n else { return false }
            for index in 0..<bytes.count where (p[start + index] | 0x20) != (bytes[index] | 0x20) { return false }
            return true
        }

        @inline(__always) mutating func flush(upTo index: Int) {
            let count = index - copied
            guard count > 0 else { return }
            reserve(count)
            let target = output.baseAddress! + written
            if count < 32 {
                // Most spans between two values are short: a loop beats a call to memmove.
                for offset in 0..<count { target[offset] = p[copied + offset] }
            } else {
                target.update(from: p + copied, count: count)
            }
            written += count
        }

        /// Replaces `p[start..<end]` by its pseudonym.
        mutating func replace(_ start: Int, _ end: Int, _ kind: Pseudonymizer.Kind) {
            guard end > start, start >= copied else { return }
            flush(upTo: start)
            reserve(Pseudonymizer.longestPseudonym)
            written += pseudonymizer.write(kind, p + start, count: end - start, to: output.baseAddress! + written)
            copied = end
        }

        /// Replaces a value, splitting a MUC JID (`room@conference.domain/nick`) into its parts.
        mutating func replaceValue(_ start: Int, _ end: Int, _ kind: Pseudonymizer.Kind) {
            if let at = (start..<end).first(where: { p[$0] == UInt8(ascii: "@") }), at > start, muc(at + 1, end) {
                replaceMUC(start, at, end)
            } else {
                replace(start, end, kind)
            }
        }

        /// Whether the domain starting at `index` (up to `end`) is one of Jitsi's MUC components.
        @inline(__always) func muc(_ index: Int, _ end: Int) -> Bool {
            mucPrefixes.contains { prefix in
                end - index > prefix.count && equalsIgnoringCase(index, index + prefix.count, prefix)
            }
        }

        /// `room@muc.domain[/nick]` between `start` and `end`, with the '@' at `at`. The MUC domain stays,
        /// but an address glued into it does not.
        @discardableResult
        mutating func replaceMUC(_ start: Int, _ at: Int, _ end: Int, extendingNick: Bool = false) -> Int {
            replace(start, at, .room)
            var slash = at + 1
            while slash < end, p[slash] != UInt8(ascii: "/") { slash += 1 }
            scanForAddresses(at + 1, slash)
            // A nick may have spaces (`…/Jean Dupont`): in running text it runs on like a name.
            guard slash + 1 < end else { return end }
            let nickEnd = extendingNick ? max(end, valueEnd(from: slash + 1, multiWord: true)) : end
            replace(slash + 1, nickEnd, .user)
            return nickEnd
        }

        /// Replaces the IPv4 addresses in `start..<end`, text the other rules would skip (a host, a MUC
        /// domain, a bridge's path segment).
        mutating func scanForAddresses(_ start: Int, _ end: Int) {
            var cursor = max(start, copied)
            while cursor < end {
                cursor = isDigit(cursor) && !isDigit(cursor - 1) ? digits(at: cursor) : cursor + 1
            }
        }

        mutating func run() {
            let stopMask = LogAnonymizer.stop
            var i = 0
            while i < n {
                // Most bytes stop nothing: skip them in a tight loop.
                while i < n, table[Int(p[i])] & stopMask == 0 { i += 1 }
                guard i < n else { break }
                let c = p[i]
                if table[Int(c)] & LogAnonymizer.digit != 0 {
                    // Cheap rejection first: an address has a '.' within its first four bytes.
                    var run = i + 1
                    while run < n, run - i < 4, table[Int(p[run])] & LogAnonymizer.digit != 0 { run += 1 }
                    if run < n, p[run] == UInt8(ascii: "."), run - i <= 3 {
                        i = digits(at: i)
                    } else {
                        while run < n, table[Int(p[run])] & LogAnonymizer.digit != 0 { run += 1 }
                        i = run
                    }
                    continue
                }
                switch c {
                case UInt8(ascii: "@"):
                    if let (start, end, kind) = address(at: i) {
                        if kind == .room {
                            i = replaceMUC(start, i, end, extendingNick: true)
                        } else {
                            replace(start, end, kind)
                            i = end
                        }
                        continue
                    }
                case UInt8(ascii: "="):
                    if let end = keyValue(at: i) {
                        i = end
                        continue
                    }
                case UInt8(ascii: ":"):
                    if let end = colon(at: i) {
                        i = end
                        continue
                    }
                case UInt8(ascii: "-"):
                    if i >= 8, table[Int(p[i - 1])] & LogAnonymizer.hex != 0, let (start, end) = uuid(around: i) {
                        replace(start, end, .id)
                        i = end
                        continue
                    }
                case UInt8(ascii: "/"):
                    if i >= 4, p[i - 1] == 0x20 || p[i - 1] == 0x09, let end = requestPath(at: i) {
                        i = end
                        continue
                    }
                    if let end = schemelessSitePath(at: i) {
                        i = end
                        continue
                    }
                    if isColibriPath(i + 1) {
                        i = pathSegments(from: i)
                        continue
                    }
                case UInt8(ascii: "<"):
                    if let end = element(at: i) {
                        i = end
                        continue
                    }
                default:
                    break
                }
                i += 1
            }
            flush(upTo: n)
            copied = n
        }

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
            (end - start >= 4 && p[start] == UInt8(ascii: "1") && p[start + 1] == UInt8(ascii: "2") && p[start + 2] == UInt8(ascii: "7")
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

        // MARK: ':' — IPv6, URLs, JSON keys

        mutating func colon(at i: Int) -> Int? {
            if byte(i + 1) == UInt8(ascii: "/"), byte(i + 2) == UInt8(ascii: "/"), let end = url(schemeColon: i, escaped: false) {
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
            if i > 0, isClass(i - 1, LogAnonymizer.keyByte), !isDigit(i - 1), byte(i + 1) != UInt8(ascii: "/"), byte(i + 1) != UInt8(ascii: ":"),
                let end = keyValue(at: i, separatedBy: 1)
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
            while back >= copied, i - back < 40, table[Int(p[back])] & LogAnonymizer.hex != 0 || p[back] == UInt8(ascii: ":") || p[back] == UInt8(ascii: ".") {
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
            while trimmed > start, p[trimmed - 1] == UInt8(ascii: ":") || p[trimmed - 1] == UInt8(ascii: ".") { trimmed -= 1 }
            // `2001:db8::9.443`: an address, then a dotted port.
            var beforePort = trimmed
            while beforePort > start, isDigit(beforePort - 1) { beforePort -= 1 }
            if beforePort < trimmed, byte(beforePort - 1) == UInt8(ascii: "."), !(start..<beforePort - 1).contains(where: { p[$0] == UInt8(ascii: ".") }) {
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
            guard !isClass(end, LogAnonymizer.word) || next == UInt8(ascii: ".") || next == UInt8(ascii: "%") else { return nil }
            let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
            guard let address = IPAddress(text), address.family == .v6 else { return nil }
            if address.isLoopback || address.bytes.allSatisfy({ $0 == 0 }) { return nil }
            return (start, end)
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
            while keyStart >= copied, keyEnd - 1 - keyStart <= 32, isClass(keyStart, LogAnonymizer.keyByte) || byte(keyStart) == UInt8(ascii: "-") {
                keyStart -= 1
            }
            guard byte(keyStart) == quote, !escaped || byte(keyStart - 1) == UInt8(ascii: "\\"), keyStart + 1 < keyEnd,
                let kind = keys.kind(p, keyStart + 1, keyEnd)
            else { return nil }
            var valueStart = i + 1
            while valueStart < n, p[valueStart] == UInt8(ascii: " ") || p[valueStart] == UInt8(ascii: "\t") { valueStart += 1 }
            if escaped, byte(valueStart) == UInt8(ascii: "\\"), byte(valueStart + 1) == UInt8(ascii: "\"") {
                // To the next `\"`.
                var end = valueStart + 2
                while end + 1 < n, !(p[end] == UInt8(ascii: "\\") && p[end + 1] == UInt8(ascii: "\"")), p[end] != 0x0A { end += 1 }
                guard end > valueStart + 2 else { return nil }
                replaceValue(valueStart + 2, end, kind)
                return end
            }
            return value(at: valueStart, kind: kind)
        }

        // MARK: e-mail and JID

        /// `local@domain[/resource]` around the '@' at `i`, and what it is.
        func address(at i: Int) -> (Int, Int, Pseudonymizer.Kind)? {
            var start = i
            // Word bytes, and XEP-0106 escapes (`jean\40example.org@…`: a backslash and two hex digits).
            while start > copied, isClass(start - 1, LogAnonymizer.word)
                || (byte(start - 1) == UInt8(ascii: "\\") && isClass(start, LogAnonymizer.hex) && isClass(start + 1, LogAnonymizer.hex))
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
            var isJID = isMUC || xmppPrefixes.contains { prefix in
                end - (i + 1) > prefix.count && equalsIgnoringCase(i + 1, i + 1 + prefix.count, prefix)
            }
            if end < n, p[end] == UInt8(ascii: "/") {
                isJID = true
                end += 1
                while end < n {
                    let byte = p[end]
                    if byte <= 0x20 || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ")")
                        || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ">")
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

        // MARK: key=value

        /// A sensitive `key=…` (also `key = …`) with the '=' at `i`, or `key: …` with the ':' at `i`
        /// (`separatedBy` spaces after it): replaces the value, returns where the scan goes on.
        mutating func keyValue(at i: Int, separatedBy spaces: Int = 0) -> Int? {
            var keyEnd = i
            while keyEnd > copied, i - keyEnd < 2, p[keyEnd - 1] == 0x20 { keyEnd -= 1 }
            var keyStart = keyEnd
            while keyStart > copied, keyEnd - keyStart < 32, isClass(keyStart - 1, LogAnonymizer.keyByte) || p[keyStart - 1] == UInt8(ascii: "-") {
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
            while nameEnd < n, nameEnd - i < 40, isClass(nameEnd, LogAnonymizer.keyByte) || p[nameEnd] == UInt8(ascii: "-")
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
                let closing = first == UInt8(ascii: "[") ? UInt8(ascii: "]") : first == UInt8(ascii: "<") ? UInt8(ascii: ">") : first
                var end = start + 1
                while end < n, p[end] != closing, p[end] != 0x0A { end += 1 }
                guard end > start + 1 else { return nil }
                replaceValue(start + 1, end, kind)
                return end
            }
            var start = start
            // `Authorization: Bearer eyJ…`: the scheme stays, the credentials go.
            if kind == .token {
                for scheme in LogAnonymizer.authorizationSchemes where equalsIgnoringCase(start, start + scheme.count, scheme) && byte(start + scheme.count) == 0x20 {
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
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]")
                    || byte == UInt8(ascii: "}") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "<")
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
            while end < n, isClass(end, LogAnonymizer.keyByte) || p[end] == UInt8(ascii: ".") || p[end] == UInt8(ascii: "-") { end += 1 }
            return end > index && end < n && (p[end] == UInt8(ascii: "=") || (p[end] == UInt8(ascii: ":") && byte(end + 1) == 0x20))
                || (index < n && (p[index] == UInt8(ascii: "[") || p[index] == UInt8(ascii: "(")))
        }

        // MARK: URLs and request paths

        /// `scheme://host[:port][/path…]` with the scheme's colon at `i`. Address hosts are replaced; the
        /// path's first segment is a room only on the site's own hosts or in a Referer; the rest of the
        /// URL is left to the other rules (a query's `room=`, an address in a path).
        mutating func url(schemeColon i: Int, escaped: Bool) -> Int? {
            var schemeStart = i
            while schemeStart > copied, isClass(schemeStart - 1, LogAnonymizer.word), p[schemeStart - 1] != UInt8(ascii: "_") { schemeStart -= 1 }
            guard schemeStart < i else { return nil }
            let hostStart = i + (escaped ? 5 : 3)
            var index = hostStart
            var hostEnd: Int
            if byte(index) == UInt8(ascii: "[") {
                // [IPv6]
                var close = index + 1
                while close < n, close - index < 48, p[close] != UInt8(ascii: "]") { close += 1 }
                guard close < n, p[close] == UInt8(ascii: "]") else { return nil }
                let text = String(decoding: UnsafeBufferPointer(start: p + index + 1, count: close - index - 1), as: UTF8.self)
                let percent = text.firstIndex(of: "%").map { String(text[..<$0]) } ?? text
                if let address = IPAddress(percent), address.family == .v6, !address.isLoopback, !address.bytes.allSatisfy({ $0 == 0 }) {
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
            if byte(slash) == UInt8(ascii: "/"), isSiteHost(hostStart, hostEnd) || isReferer(schemeStart) || isColibriPath(slash + 1) {
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
            byte(index) == UInt8(ascii: "c") && equals(index, index + colibriWS.count, colibriWS) && (byte(index + colibriWS.count) == UInt8(ascii: "/")
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
            if start - 1 >= referrerLabel.count, equals(start - referrerLabel.count, start, referrerLabel)
            {
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
            while methodEnd > copied, i - methodEnd < 8, p[methodEnd - 1] == 0x20 || p[methodEnd - 1] == 0x09 { methodEnd -= 1 }
            guard methodEnd < i else { return nil }
            var methodStart = methodEnd
            while methodStart > 0, methodEnd - methodStart < 10, (p[methodStart - 1] | 0x20) >= UInt8(ascii: "a"), (p[methodStart - 1] | 0x20) <= UInt8(ascii: "z") {
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
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\\")
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
            while byte(slash + 1) == UInt8(ascii: "/") || (byte(slash + 1) == UInt8(ascii: ".") && byte(slash + 2) == UInt8(ascii: "/")) {
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
            let isStatic = length < staticByLength.count && staticByLength[length].contains { equals(firstStart, firstEnd, $0) }
            if length > 0, !isStatic, !hasStaticExtension(firstStart, firstEnd) {
                replace(firstStart, firstEnd, .room)
                return firstEnd
            }
            return firstStart
        }
    }
}
