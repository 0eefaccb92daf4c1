import VigieCore

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
        ("participantname", .user), ("participant_name", .user), ("userdisplayname", .user),
        ("user_display_name", .user),
        ("callername", .user), ("caller_name", .user), ("email", .email), ("mail", .email),
        ("ufrag", .ice), ("local_ufrag", .ice), ("remote_ufrag", .ice), ("pwd", .ice), ("password", .ice),
        ("token", .token), ("jwt", .token), ("access_token", .token), ("auth", .token), ("authorization", .token),
        ("id", .id), ("gid", .id), ("meeting_id", .id), ("meetingid", .id), ("confid", .id), ("conf_id", .id),
        ("conference_id", .id), ("conferenceid", .id), ("epid", .id), ("ep_id", .id), ("ep", .id), ("endpoint", .id),
        ("endpointid", .id), ("endpoint_id", .id), ("participant", .id), ("participantid", .id),
        ("participant_id", .id),
        ("sid", .id), ("session", .id), ("sessionid", .id), ("session_id", .id), ("uid", .id), ("userid", .id),
        ("user_id", .id), ("occupant", .id), ("jid", .jid), ("from", .jid), ("to", .jid),
    ]

    /// The keys in an open-addressing table of 256 slots, by FNV-1a of the lower-cased key; a hit is
    /// confirmed byte for byte. No dictionary and no allocation in the scan.
    static let keyTable: KeyTable = KeyTable(sensitiveKeys)

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
    static let mucPrefixes: [[UInt8]] = [
        "conference.", "internal-muc.", "muc.", "lobby.", "breakout.", "internal.auth.", "visitors.",
    ]
    .map { Array($0.utf8) }

    static let httpMethods: [[UInt8]] = [
        "GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PROPFIND", "PROPPATCH",
        "MKCOL",
        "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT",
    ].map { Array($0.utf8) }
    /// File extensions of Jitsi Meet's own resources: a first path segment with one is a file, not a room.
    static let staticExtensions: [[UInt8]] = [
        "js", "mjs", "css", "html", "htm", "ico", "png", "svg", "jpg", "jpeg", "gif", "webp", "json", "txt", "xml",
        "woff",
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
    public func anonymize<E: Error>(
        _ input: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> Void
    ) throws(E) {
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
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(
                capacity: max(output.count * 2, written + extra + 256)
            )
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
    }
}
