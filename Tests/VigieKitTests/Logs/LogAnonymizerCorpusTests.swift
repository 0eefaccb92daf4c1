import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender
import VigieTestSupport

/// The pseudonymiser on a corpus the test makes itself: every log format a Jitsi host writes × every
/// kind of personal value × every form and position a value takes (bare, `key=v`, quoted, bracketed,
/// JSON, XML attributes, URL hosts and paths, query strings, glued to letters or punctuation, at the
/// start and the end of a line). Each value is random and known, so the check is exact: none of them
/// may survive, in any case or encoding, and the line's own words (a canary) must.
@Suite struct LogAnonymizerCorpusTests {
    static let site = "meet.example.org"

    struct Value {
        var text: String
        var kind: Pseudonymizer.Kind
    }

    /// Random values that look like the real ones, made of syllables no log line holds otherwise.
    struct Values {
        var generator = SeededGenerator(seed: 20_261_201)

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        mutating func syllables(_ count: Int) -> String {
            let parts = ["zor", "vak", "pel", "lut", "rac", "qui", "mox", "dre", "fal", "nub", "tes", "wir"]
            return (0..<count).map { _ in parts[int(0...parts.count - 1)] }.joined()
        }
        mutating func capitalised(_ count: Int) -> String {
            let word = syllables(count)
            return word.prefix(1).uppercased() + word.dropFirst()
        }
        mutating func hex(_ count: Int) -> String { (0..<count).map { _ in String(int(0...15), radix: 16) }.joined() }

        mutating func ipv4() -> Value {
            Value(text: "\(int(1...223)).\(int(0...255)).\(int(0...255)).\(int(1...254))", kind: .ip4)
        }
        mutating func ipv6() -> Value {
            int(0...1) == 0
                ? Value(text: "2001:db8:\(hex(4)):\(hex(3))::\(hex(2))", kind: .ip6)
                : Value(text: "2a01:\(hex(4)):\(hex(4)):\(hex(4)):\(hex(4)):\(hex(4)):\(hex(4)):\(hex(4))", kind: .ip6)
        }
        mutating func email() -> Value {
            Value(text: "\(syllables(2)).\(syllables(2))@\(syllables(2)).fr", kind: .email)
        }
        mutating func jid() -> Value { Value(text: "\(syllables(2))@\(site)/\(capitalised(2))\(hex(4))", kind: .jid) }
        mutating func room() -> Value { Value(text: capitalised(2) + capitalised(2), kind: .room) }
        mutating func name() -> Value { Value(text: "\(capitalised(2)) \(capitalised(3))", kind: .user) }
        mutating func id() -> Value { Value(text: hex(16), kind: .id) }
        mutating func uuid() -> Value { Value(text: "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))", kind: .id) }
        mutating func ice() -> Value { Value(text: syllables(3) + hex(6), kind: .ice) }
        mutating func token() -> Value { Value(text: "eyJ\(syllables(3)).\(hex(20)).\(syllables(2))", kind: .token) }
    }

    /// A line's message with the value in one form; `nil` when the form does not suit the kind.
    static func forms(_ value: Value, _ values: inout Values) -> [String] {
        let v = value.text
        var forms: [String] = []
        let keys: [Pseudonymizer.Kind: [String]] = [
            .ip4: ["ip", "remote"], .ip6: ["ip"], .email: ["email", "mail"], .jid: ["jid", "from", "to"],
            .room: ["room", "conf_name", "roomName", "ROOM", "conference"],
            .user: ["nick", "displayName", "stats_id", "name"],
            .id: ["id", "confId", "meeting_id", "epId", "endpoint_id", "sid"], .ice: ["ufrag", "pwd", "local_ufrag"],
            .token: ["token", "jwt", "access_token"],
        ]
        for key in keys[value.kind] ?? [] {
            forms += [
                "\(key)=\(v) next=CANARY", "CANARY \(key)=\(v)", "[\(key)=\(v)] CANARY", "\(key)=\"\(v)\" CANARY",
                "\(key)='\(v)' CANARY",
                "{\"\(key)\": \"\(v)\", \"canary\": \"CANARY\"}", "{\"\(key)\":\"\(v)\"} CANARY",
                "{'\(key)': '\(v)'} CANARY",
                "<conference \(key)=\"\(v)\" canary=\"CANARY\"/>", "(\(key)=\(v)) CANARY", "a=1&\(key)=\(v)&b=CANARY",
                // Found by a review: a space before a JSON colon, JSON inside a JSON string, `key = v`,
                // `key: v` and `key:v`, an XML element of the key's name.
                "{\"\(key)\" : \"\(v)\", \"canary\" : \"CANARY\"}", "{\\\"\(key)\\\":\\\"\(v)\\\"} CANARY",
                "\(key) = \(v) next=CANARY", "CANARY \(key): \(v)", "CANARY \(key):\(v)",
                "<\(key) xmlns='urn:x'>\(v)</\(key)> CANARY",
            ]
        }
        switch value.kind {
        case .ip4, .ip6, .email, .jid:
            if value.kind == .email || value.kind == .jid {
                forms += ["CANARY \(v.prefix(2))é\(v.dropFirst(2))", "CANARY \(v.prefix(3))\\40x.org\(v.dropFirst(3))"]
            }
            let host = value.kind == .ip6 ? "[\(v)]" : v
            forms += [
                "\(v) CANARY", "CANARY \(v)", "CANARY \(v).", "CANARY (\(v))", "CANARY <\(v)>", "CANARY [\(v)]",
                "CANARY \(v),x",
                "CANARY \(v);", "CANARY '\(v)'", "CANARY \"\(v)\"",
            ]
            if value.kind == .ip4 {
                forms += [
                    "CANARY host_\(v)", "CANARY x\(v)", "CANARY \(v):52000",
                    "CANARY candidate:1 1 udp 2130706431 \(v) 10000 typ host",
                    "CANARY https://\(host)/room", "CANARY http://\(host):8080/x", "GET /x?ip=\(v) CANARY",
                    // Found by the fuzzer: a URL host with letters glued to the address.
                    "CANARY http://\(v)ly/x", "\"GET / HTTP/1.1\" 200 5 \"https://x\(v)y/Room\" CANARY",
                    "CANARY conf_name=abc@conference.meet.3d\(v) x", "CANARY 09:\(v):15.5",
                    "IP \(v).51234 > \(v).443: CANARY",
                ]
            }
            if value.kind == .ip6 {
                forms += [
                    "CANARY \(host):10000", "CANARY http://\(host)/y", "CANARY https://\(host):8443/z",
                    "CANARY host_\(v)",
                    "CANARY \(v)%eth0", "CANARY cafebabe\(v) x", "CANARY key:\(v)", "CANARY \(v).443",
                ]
            }
        case .room:
            let lower = v.lowercased()
            forms += [
                "\"GET /\(v) HTTP/1.1\" 200 512 \"-\" CANARY", "\"GET /\(v)?x=1 HTTP/1.1\" CANARY",
                "\"GET /libs/app.js HTTP/1.1\" 200 512 \"https://\(site)/\(v)\" \"CANARY\"",
                "CANARY https://\(site)/\(v)", "CANARY \(lower)@conference.\(site)",
                "CANARY \(v)@conference.\(site)/\(values.capitalised(2))",
                "conf_name=\(lower)@conference.\(site) CANARY", "POST /http-bind?room=\(lower) CANARY",
                "referrer: \"https://\(site)/\(v)\" CANARY", "\"GET //\(v) HTTP/1.1\" CANARY",
                "\"GET /./\(v) HTTP/1.1\" CANARY",
                "\"get /\(v) HTTP/1.1\" CANARY", "\"PROPFIND /\(v) HTTP/1.1\" CANARY", "\"GET\t/\(v) HTTP/1.1\" CANARY",
                "\"GET  /\(v) HTTP/1.1\" CANARY", "CANARY https://\(site)./\(v)", "CANARY \(site)/\(v)",
                "CANARY //\(site)/\(v)",
                "{\"url\":\"https:\\/\\/\(site)\\/\(v)\"} CANARY",
                "\"GET /\(v.prefix(4)).\(v.dropFirst(4)) HTTP/1.1\" CANARY",
                "CANARY https://\(site)/\(v.prefix(3))%\(String(format: "%02X", v.utf8.dropFirst(3).first!))\(v.dropFirst(4))",
            ]
        case .user:
            forms += [
                "CANARY teamweekly@conference.\(site)/\(v) joined",
                "CANARY nick=\(v.replacingOccurrences(of: " ", with: ", "))",
            ]
        case .token:
            forms += ["Authorization: Bearer \(v) CANARY", "authorization=Bearer \(v) CANARY"]
        case .email:
            break
        case .id:
            forms += [
                "\"GET /colibri-ws/jvb1/\(v)/\(values.hex(8))?pwd=\(values.ice().text) HTTP/1.1\" CANARY",
                "CANARY ws://10.0.0.5:9090/colibri-ws/jvb1/\(v)/ep1", "CANARY ws /colibri-ws/jvb1/\(v)/ep1",
            ]
            if v.contains("-") { forms += ["CANARY \(v)", "sid '\(v)' CANARY", "\(v)@guest.\(site) CANARY"] }
        default:
            break
        }
        return forms
    }

    /// The formats of a Jitsi host's logs, each with `%@` where the message goes.
    static let formats = [
        "203.0.113.250 - - [01/Dec/2026:09:00:00 +0100] %@",
        "2026/12/01 09:00:00 [error] 1234#1234: *56 %@, client: 198.51.100.250, server: \(site)",
        "Dec 01 09:00:00 c2s55a5d4b0   info    %@",
        "Dec  1 09:00:00 meet prosody[812]: mod_bosh: %@",
        "JVB 2026-12-01 09:00:00.123 INFO: [47] [confId=a1b2c3d4e5f60789] Endpoint.accept#645: %@",
        "Jicofo 2026-12-01 09:00:00.123 INFO: [29] org.jitsi.jicofo.JitsiMeetConferenceImpl.log() %@",
        "2026-12-01 09:00:00.123 INFORMATION: [12] Videobridge.handle#90: %@",
        "web_1      | %@",
        "MESSAGE=%@",
        "%@",
    ]

    @Test func noGeneratedValueSurvivesInAnyFormatFormOrPosition() async throws {
        // Thousands of lines through the pseudonymiser and the regular-expression detectors: off the pool.
        let (checked, leaks) = try await Offload.run { Self.runCorpus() }
        #expect(checked > 3000)
        #expect(
            leaks.isEmpty,
            "\(leaks.count) of \(checked) lines leak, e.g.:\n\(leaks.prefix(15).joined(separator: "\n"))"
        )
    }

    static func runCorpus() -> (Int, [String]) {
        var values = Values()
        let makers: [(inout Values) -> Value] = [
            { $0.ipv4() }, { $0.ipv6() }, { $0.email() }, { $0.jid() }, { $0.room() }, { $0.name() }, { $0.id() },
            { $0.uuid() },
            { $0.ice() }, { $0.token() },
        ]
        var anonymizer = LogAnonymizer(
            pseudonymizer: Pseudonymizer(key: Array("a fixed test key, 32 bytes long!".utf8)),
            siteHosts: [Self.site]
        )
        var checked = 0
        var leaks: [String] = []
        for make in makers {
            for _ in 0..<2 {
                let value = make(&values)
                for form in Self.forms(value, &values) {
                    for format in Self.formats {
                        let line = format.replacingOccurrences(of: "%@", with: form)
                        let output = anonymizer.anonymize(line + "\n")
                        checked += 1
                        for survivor in Self.survivors(of: value, in: output) {
                            leaks.append("\(survivor) in «\(output.dropLast())» from «\(line)»")
                        }
                        if !output.contains("CANARY") { leaks.append("the canary is gone from «\(output.dropLast())»") }
                        if output.filter({ $0 == "\n" }).count != 1 { leaks.append("lines changed in «\(output)»") }
                        for leak in LogAnonymizerTests.leaks(in: output)
                        where !leak.contains("203.0.113.250") && !leak.contains("198.51.100.250") {
                            leaks.append("detector: \(leak) in «\(output.dropLast())»")
                        }
                    }
                }
            }
        }
        return (checked, leaks)
    }

    /// What of `value` is still readable in `output`: the value itself (rooms in any case or
    /// percent-encoded), or, for a name, any of its words.
    static func survivors(of value: Value, in output: String) -> [String] {
        var found: [String] = []
        let haystack = value.kind == .room ? output.lowercased() : output
        var needles = [value.kind == .room ? value.text.lowercased() : value.text]
        if value.kind == .user { needles += value.text.split(separator: " ").map(String.init) }
        if value.kind == .jid || value.kind == .email {
            needles += value.text.split(separator: "@").prefix(1).map(String.init)
        }
        if value.kind == .room { needles.append(String(value.text.lowercased().prefix(5))) }
        for needle in needles where needle.count >= 4 && haystack.contains(needle) { found.append(needle) }
        return found
    }

    /// One room is one pseudonym: a MUC JID, `room=`, a request path in another case, a Referer, an XML
    /// attribute and a percent-encoded path all give the same, so a day can be followed room by room.
    @Test func oneRoomHasOnePseudonym() throws {
        var anonymizer = LogAnonymizer(
            pseudonymizer: Pseudonymizer(key: Array("a fixed test key, 32 bytes long!".utf8)),
            siteHosts: [Self.site]
        )
        let lines = [
            "JVB 2026-12-01 INFO: [confId=abc conf_name=teamweekly@conference.\(Self.site) meeting_id=x] Conference.x: created",
            "POST /http-bind?room=teamweekly HTTP/1.1",
            "203.0.113.4 - - [01/Dec/2026:09:00:00 +0100] \"GET /TeamWeekly HTTP/1.1\" 200 18525 \"-\" \"Mozilla/5.0\"",
            "\"GET /libs/app.js HTTP/1.1\" 200 512 \"https://\(Self.site)/TEAMWEEKLY\" \"Mozilla/5.0\"",
            "Jicofo INFO: <conference name=\"TeamWeekly@conference.\(Self.site)\" id=\"f00\"/>",
            "GET /Team%57eekly HTTP/1.1",
            "Joined the MUC teamweekly@conference.\(Self.site)/focus",
        ]
        var pseudonyms: Set<String> = []
        for line in lines {
            let output = anonymizer.anonymize(line)
            let rooms = output.matches(of: #/room-[0-9a-f]{8}/#).map { String($0.output) }
            #expect(rooms.count == 1, "\(line) → \(output)")
            pseudonyms.formUnion(rooms)
            #expect(!output.lowercased().contains("teamweekly") && !output.contains("%57"), "\(output)")
        }
        #expect(pseudonyms.count == 1, "\(pseudonyms)")
    }

    /// Paths are rooms only where they are rooms: not XML namespaces, not other hosts' URLs, not static files.
    @Test func pathsElsewhereAreNotRooms() {
        var anonymizer = LogAnonymizer(
            pseudonymizer: Pseudonymizer(key: Array("a fixed test key, 32 bytes long!".utf8)),
            siteHosts: [Self.site]
        )
        for line in [
            "<stats xmlns='http://jitsi.org/protocol/colibri'/>",
            "<x xmlns=\"urn:xmpp:jingle:1\"/> and http://jabber.org/protocol/muc#user",
            "see https://github.com/jitsi/jitsi-meet/issues/15048",
            "GET /libs/app.bundle.min.js?v=1 HTTP/1.1",
            "GET /static/close.html HTTP/1.1",
        ] {
            #expect(anonymizer.anonymize(line) == line, "\(line)")
        }
        // Scope operators and times are not addresses.
        for line in ["Foo::bar and Kotlin::run", "at 12:30:05.123", "mac aa:bb:cc:dd:ee:ff", "version 1.2.3.4.5"] {
            #expect(anonymizer.anonymize(line) == line, "\(line)")
        }
    }
}
