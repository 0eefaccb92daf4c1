import Crypto
import Foundation
import Testing

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender
import VigieTestSupport

/// The pseudonymiser on every recorded log, checked by detectors written here with Swift regular
/// expressions (the pseudonymiser itself has none), and by the personal values each fixture is known to hold.
@Suite struct LogAnonymizerTests {
    static let logs = Fixtures.all.filter { $0.hasSuffix(".log") }

    /// Values that identify people, rooms or sessions in each fixture (read off the files by hand).
    static let knownPersonal: [String: [String]] = [
        "jicofo_2020-10_legacy_jitsi-meet-issue-7931.log": [
            "tqpc9a6hswwkglk3unjcu3", "f09a6651", "2uvYAkjl", "c763107a5774",
        ],
        "jicofo_2024-06_docker_docker-jitsi-meet-issue-1818.log": [
            "test@conference", "7ixjpupi-f8lbzcpfdlbkfrc", "Rj4URzZdKIg-", "b5a57331-f51a", "3c601c28-440c",
        ],
        "jvb_2022-04_localized-german_jitsi-videobridge-issue-1860.log": ["gladteensblockwhere", "1059deafb9cbfcfe"],
        "jvb_2023-07_docker_docker-jitsi-meet-issue-1583.log": [
            "109.43.242.217", "172.20.0.4", "bou321h5s6e2q6", "Alf-YuX", "5d66ecaca400f9c7", "be8d0f86", "4b3c4fca",
        ],
        "jvb_2024-08_debian_jitsi-meet-issue-15048.log": [
            "37.225.89.211", "Henry-GDs", "Hortense-7g8", "test@conference.jitsii-test", "67emp1i6", "f771f9e83d834d25",
            "cba7d0d6", "f7a876ba", "da1fc9d0",
        ],
        "nginx_2020-10_docker-jitsi-meet-issue-756.log": [
            "172.21.0.3", "TiredLawyersInvadeWidely", "282f7e91722abba0", "6b17a0f5", "2d29rvjdk8ko9d481fifo6t7to",
            "room=test",
        ],
        "nginx_docker-web_2020-09_jwt-token-leak_docker-jitsi-meet-issue-740.log": [
            "172.20.0.1", "room=<ROOM", "token=<TOKEN",
        ],
        "prosody_2020-11_debian_christiancuri-docs-issue-9.log": [
            "445446f8-775d", "a99c9904-9863", "7b955154-ce04", "fc8b451c-6a42", "6705b0c4-99da",
        ],
        "prosody_2024-04_docker_docker-jitsi-meet-issue-109.log": [
            "focus@auth.meet.jitsi", "jvb@auth.meet.jitsi", "jigasi@auth.meet.jitsi",
        ],
    ]

    /// Independent detectors: any of these in the output is a leak.
    static func leaks(in text: String) -> [String] {
        var found: [String] = []
        let ipv4 = #/(?:^|[^\w.])((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}))(?![\w])/#
        for match in text.matches(of: ipv4) {
            let literal = String(match.output.1)
            if literal.hasPrefix("127.") || literal == "0.0.0.0" { continue }
            if [match.output.2, match.output.3, match.output.4, match.output.5].allSatisfy({ (Int($0) ?? 999) <= 255 })
            {
                found.append(literal)
            }
        }
        let ipv6 =
            #/(?:^|[^\w:])((?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}|[0-9A-Fa-f]{0,4}::[0-9A-Fa-f:]{1,30})(?![\w:])/#
        for match in text.matches(of: ipv6) {
            let literal = String(match.output.1)
            if let address = IPAddress(literal), !address.isLoopback, address.bytes.contains(where: { $0 != 0 }) {
                found.append(literal)
            }
        }
        let address = #/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/#
        for match in text.matches(of: address) {
            let literal = String(match.output)
            let local = literal.split(separator: "@").first ?? ""
            // A MUC JID keeps its (public) MUC domain; its room is a pseudonym.
            if local.wholeMatch(of: #/(?:room|user|id|jid)-[0-9a-f]{8}/#) != nil { continue }
            let domain = literal.split(separator: "@").last ?? ""
            if domain.allSatisfy(\.isHexDigit), !domain.contains(".") { continue }  // Java identity hash
            found.append(literal)
        }
        let uuid = #/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/#
        found += text.matches(of: uuid).map { String($0.output) }
        let secrets =
            #/(?:token|jwt|pwd|ufrag|stats_id|conf_name|room|meeting_id|epId|confId)=(?!["'\[<|]?(?:token-|ice-|user-|room-|id-|jid-))["'\[<|]?([^\s&\]]+)/#
        found += text.matches(of: secrets).map { String($0.output.0) }
        return found
    }

    static func anonymizer() -> LogAnonymizer {
        LogAnonymizer(
            pseudonymizer: Pseudonymizer(key: Array("a fixed test key, 32 bytes long!".utf8)),
            siteHosts: ["meet.example.org"]
        )
    }

    @Test(arguments: logs)
    func noPersonalDataSurvives(_ name: String) throws {
        let original = try Fixtures.text(name)
        var anonymizer = Self.anonymizer()
        let output = anonymizer.anonymize(original)
        #expect(Self.leaks(in: output).isEmpty, "\(name): \(Self.leaks(in: output))")
        for value in Self.knownPersonal[name] ?? [] {
            #expect(!output.contains(value), "\(name) still contains \(value)")
        }
        #expect(
            !Self.leaks(in: original).isEmpty || Self.knownPersonal[name] == nil,
            "the detectors see the personal data in \(name)"
        )
        // The structure stays: same number of lines, same timestamps and levels.
        #expect(
            output.split(separator: "\n", omittingEmptySubsequences: false).count
                == original.split(separator: "\n", omittingEmptySubsequences: false).count
        )
        let head = original.prefix { $0 != " " }
        if !head.first!.isNumber { #expect(output.hasPrefix(head), "\(name) keeps its line head") }
    }

    @Test func everyFixtureLeaksBeforehand() throws {
        // The detectors are not blind: on the originals they find what the anonymiser removes.
        for name in Self.logs where Self.knownPersonal[name] != nil && name.hasPrefix("prosody_2024") == false {
            let original = try Fixtures.text(name)
            #expect(!Self.leaks(in: original).isEmpty, "\(name)")
        }
    }

    @Test func recognisesEachForm() {
        var anonymizer = Self.anonymizer()
        let cases: [(String, String)] = [
            ("client 203.0.113.9 connected", #"^client ip4-[0-9a-f]{8} connected$"#),
            ("from 198.51.100.7:52000/udp", #"^from ip4-[0-9a-f]{8}:52000/udp$"#),
            (
                "peer [2001:db8::17]:443 and 2001:db8:0:0:1:0:0:1 ok",
                #"^peer \[ip6-[0-9a-f]{8}\]:443 and ip6-[0-9a-f]{8} ok$"#
            ),
            ("mail alice.martin@example.fr now", #"^mail email-[0-9a-f]{8} now$"#),
            ("member bob@meet.example.org/Abc123 left", #"^member jid-[0-9a-f]{8} left$"#),
            ("GET /Reunion-Direction?x=1 HTTP/1.1", #"^GET /room-[0-9a-f]{8}\?x=1 HTTP/1\.1$"#),
            (
                "GET /colibri-ws/jvb1/abcd1234/ep99?pwd=secret HTTP/1.1",
                #"^GET /colibri-ws/jvb1/id-[0-9a-f]{8}/id-[0-9a-f]{8}\?pwd=ice-[0-9a-f]{8} HTTP/1\.1$"#
            ),
            ("GET /libs/app.bundle.min.js HTTP/1.1", #"^GET /libs/app\.bundle\.min\.js HTTP/1\.1$"#),
            (
                #""https://meet.example.org/SecretRoom" "agent""#,
                #"^"https://meet\.example\.org/room-[0-9a-f]{8}" "agent"$"#
            ),
            (
                "GET /http-bind?room=board&jwt=eyJhbGciOi.x.y HTTP/1.1",
                #"^GET /http-bind\?room=room-[0-9a-f]{8}&jwt=token-[0-9a-f]{8} HTTP/1\.1$"#
            ),
            ("[confId=abc stats_id=Jean-Xy] x", #"^\[confId=id-[0-9a-f]{8} stats_id=user-[0-9a-f]{8}\] x$"#),
            ("sid '7b955154-ce04-48f3-8a8a-691c5e3813c8'", #"^sid 'id-[0-9a-f]{8}'$"#),
            ("at 12:30:05.123 and mac aa:bb:cc:dd:ee:ff", #"^at 12:30:05\.123 and mac aa:bb:cc:dd:ee:ff$"#),
            ("on 127.0.0.1:5280 and 0.0.0.0:8888 and ::1", #"^on 127\.0\.0\.1:5280 and 0\.0\.0\.0:8888 and ::1$"#),
            ("version 2.3.105-ge155b81e and 1.2.3.4.5", #"^version 2\.3\.105-ge155b81e and 1\.2\.3\.4\.5$"#),
            ("Started Server@701bc94e{STARTING}", #"^Started Server@701bc94e\{STARTING\}$"#),
        ]
        for (input, pattern) in cases {
            let output = anonymizer.anonymize(input)
            #expect(output.wholeMatch(of: try! Regex(pattern)) != nil, "\(input) → \(output)")
        }
    }

    @Test func pseudonymsAreStablePerKeyAndDifferAcrossKeys() {
        var first = Self.anonymizer()
        var again = Self.anonymizer()
        var other = LogAnonymizer(pseudonymizer: Pseudonymizer(key: Array("another key, also 32 bytes long.".utf8)))
        let line = "203.0.113.9 joined room=Board as bob@example.org"
        #expect(first.anonymize(line) == again.anonymize(line))
        #expect(first.anonymize(line) != other.anonymize(line))
        let twice = first.anonymize("203.0.113.9 203.0.113.9").split(separator: " ")
        #expect(twice[0] == twice[1], "same value, same pseudonym within a key")
    }

    @Test func networkPrefixModeKeepsOnlyTheNetwork() {
        var anonymizer = LogAnonymizer(
            pseudonymizer: Pseudonymizer(key: Array("a fixed test key, 32 bytes long!".utf8), keepNetworkPrefix: true)
        )
        let output = anonymizer.anonymize("from 109.43.242.217 and 2001:db8:1234:5678::9")
        #expect(
            output.wholeMatch(of: #/from ip4:109\.43\.242\.0\/24:[0-9a-f]{8} and ip6:2001:db8:1234::\/48:[0-9a-f]{8}/#)
                != nil,
            "\(output)"
        )
        #expect(!output.contains("217"))
    }

    /// Lines cut across the stream's blocks come out the same as in one piece.
    @Test func blockBoundariesDoNotMatter() throws {
        let original =
            try Fixtures.text("nginx_2020-10_docker-jitsi-meet-issue-756.log")
            + (try Fixtures.text("jvb_2024-08_debian_jitsi-meet-issue-15048.log"))
        var whole = Self.anonymizer()
        let expected = whole.anonymize(original)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-logs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.log")
        let output = directory.appendingPathComponent("out.log")
        try original.write(to: input, atomically: true, encoding: .utf8)
        for blockSize in [7, 64, 1000] {
            FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            var streamed = Self.anonymizer()
            try LogFiles.withOpenFile(input.path) { fd throws(LogStream.Failure) in
                try LogStream.anonymize(
                    &streamed,
                    input: fd,
                    output: handle.fileDescriptor,
                    name: "in.log",
                    blockSize: blockSize
                )
            }
            try handle.close()
            #expect(try String(contentsOf: output, encoding: .utf8) == expected, "block size \(blockSize)")
        }
    }

    @Test func inPlaceIsAtomicAndKeepsPermissions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-logs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("access.log")
        try "203.0.113.9 - - \"GET /Board HTTP/1.1\"\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        var anonymizer = Self.anonymizer()
        try LogFiles.anonymizeInPlace(file.path, with: &anonymizer)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("203.0.113.9") && !text.contains("Board"))
        #expect(
            (try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber)?.intValue
                == 0o640
        )
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["access.log"],
            "no temporary file left"
        )

        let link = directory.appendingPathComponent("link.log")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        #expect(throws: LogStream.Failure.self) { try LogFiles.anonymizeInPlace(link.path, with: &anonymizer) }
        #expect(throws: LogStream.Failure.self) {
            try LogFiles.anonymizeInPlace(directory.appendingPathComponent("missing.log").path, with: &anonymizer)
        }
        // A file with another hard link is refused: the other name would keep the clear text.
        let linked = directory.appendingPathComponent("linked.log")
        try "203.0.113.9 - -\n".write(to: linked, atomically: true, encoding: .utf8)
        #expect(Glibc.link(linked.path, directory.appendingPathComponent("other-name.log").path) == 0)
        let error = #expect(throws: LogStream.Failure.self) {
            try LogFiles.anonymizeInPlace(linked.path, with: &anonymizer)
        }
        #expect(error?.description.contains("2 hard links") == true)
        #expect(
            try String(contentsOf: linked, encoding: .utf8).contains("203.0.113.9"),
            "refused before anything is written"
        )
    }

    @Test func dailyKeysRotate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-keys-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = LogKeyStore(directory: directory.path)
        let monday = RFC3339.parse("2026-11-23T10:00:00Z")!
        let mondayKey = try store.key(for: monday)
        #expect(try store.key(for: monday + 3600) == mondayKey, "stable within the day")
        #expect(mondayKey.count == 32)
        let permissions =
            try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("2026-11-23.key").path)[
                .posixPermissions
            ] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        let tuesdayKey = try store.key(for: monday + 86_400)
        #expect(tuesdayKey != mondayKey)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["2026-11-24.key"],
            "yesterday's key is gone"
        )
    }

    /// Runs meeting at the first use of a day share one key (exclusive creation, the loser reads the
    /// winner's); a file that is not a key is an error, never replaced; a key directory that is a link is refused.
    @Test func concurrentFirstUsesShareOneKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-keys-race-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = LogKeyStore(directory: directory.path)
        let day = RFC3339.parse("2026-11-25T10:00:00Z")!
        for round in 0..<20 {
            let date = day.addingTimeInterval(Double(round) * 86_400)
            let keys = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<8 { group.addTask { try store.key(for: date) } }
                return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
            }
            #expect(keys.count == 1, "round \(round): \(keys.count) different keys for one day")
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(names == ["\(date.formatted(.iso8601.year().month().day())).key"], "\(names)")
        }
        let corrupt = directory.appendingPathComponent("2026-12-30.key")
        try "not a key\n".write(to: corrupt, atomically: true, encoding: .utf8)
        let error = #expect(throws: LogKeyStore.Failure.self) {
            try store.key(for: RFC3339.parse("2026-12-30T10:00:00Z")!)
        }
        #expect(error?.description.contains("does not hold a key") == true)
        #expect(try String(contentsOf: corrupt, encoding: .utf8) == "not a key\n", "never replaced")

        let link = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-keys-link-\(UUID())")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: directory)
        defer { try? FileManager.default.removeItem(at: link) }
        #expect(throws: LogKeyStore.Failure.self) { try LogKeyStore(directory: link.path).key(for: day) }
        #expect(throws: LogKeyStore.Failure.self) { try LogKeyStore(directory: link.path + "/").key(for: day) }
        #expect(throws: LogKeyStore.Failure.self) { try LogKeyStore(directory: link.path + "/.").key(for: day) }

        // Only the store's own day keys are rotated away: other `.key` files (a TLS key) stay.
        try "-----BEGIN PRIVATE KEY-----\n".write(
            to: directory.appendingPathComponent("server.key"),
            atomically: true,
            encoding: .utf8
        )
        try "x\n".write(to: directory.appendingPathComponent("2026-1-1.key"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: corrupt)
        _ = try store.key(for: RFC3339.parse("2027-01-05T10:00:00Z")!)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                "2026-1-1.key", "2027-01-05.key", "server.key",
            ]
        )
    }

    /// An earlier key that cannot be deleted is reported (its pseudonyms stay linkable), and the command exits 1.
    @Test func anUndeletableEarlierKeyIsReported() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-keys-stuck-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = LogKeyStore(directory: directory.path)
        _ = try store.key(for: RFC3339.parse("2026-11-20T10:00:00Z")!)
        // A directory where a key's name is: unlink(2) cannot remove it, as a key on a read-only mount could not be.
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("2026-11-21.key"),
            withIntermediateDirectories: false
        )
        let day = try store.dayKey(for: Date())
        #expect(day.notDeleted.count == 1)
        #expect(day.notDeleted.first?.contains("2026-11-21.key") == true)
        let result = try await Shell.run(
            VigieCLITests.binary,
            ["logs", "anonymize", "--key-dir", directory.path],
            input: "203.0.113.9\n"
        )
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("ip4-"), "the logs are still pseudonymised")
        #expect(
            result.standardError.contains("warning: cannot delete the earlier key \(directory.path)/2026-11-21.key"),
            "\(result.standardError)"
        )
    }

    @Test func theCommandFiltersStandardInput() async throws {
        let result = try await Shell.run(
            VigieCLITests.binary,
            ["logs", "anonymize"],
            input: "203.0.113.9 GET /Board\nalice@example.org\n"
        )
        #expect(result.status == 0)
        #expect(
            result.output.wholeMatch(of: #/ip4-[0-9a-f]{8} GET \/room-[0-9a-f]{8}\nemail-[0-9a-f]{8}\n/#) != nil,
            "\(result.output)"
        )
        let missing = try await Shell.run(VigieCLITests.binary, ["logs", "anonymize", "/nonexistent.log"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("cannot open /nonexistent.log"))
        #expect(try await Shell.run(VigieCLITests.binary, ["logs", "anonymize", "--in-place"]).status == 2)
    }
}

@Suite struct PseudonymizerTests {
    /// SipHash-2-4 against the reference vectors of the paper (key 00…0f, messages 00…(n-1)).
    @Test func sipHashMatchesTheReferenceVectors() {
        let hash = SipHash24(key: Array(0..<16))
        #expect(hash.hash([]) == 0x726f_db47_dd0e_0e31)
        #expect(hash.hash(Array(0..<15)) == 0xa129_ca61_49be_45e5)
        #expect(hash.hash(Array(0..<8)) == 0x93f5_f579_9a93_2462)
        #expect(hash.hash(Array(0..<63)) == 0x958a_324c_eb06_4572)
    }

    @Test func kindsHaveIndependentKeysAndRoomsAreNormalised() {
        let pseudonymizer = Pseudonymizer(key: Array("a fixed test key, 32 bytes long!".utf8))
        func pseudonym(_ kind: Pseudonymizer.Kind, _ text: String) -> String {
            var out: [UInt8] = []
            Array(text.utf8).withUnsafeBufferPointer { pseudonymizer.append(kind, $0, to: &out) }
            return String(decoding: out, as: UTF8.self)
        }
        #expect(pseudonym(.room, "TeamWeekly") == pseudonym(.room, "teamweekly"))
        #expect(pseudonym(.room, "team%57eekly") == pseudonym(.room, "teamweekly"), "percent-decoded")
        #expect(pseudonym(.user, "TeamWeekly") != pseudonym(.user, "teamweekly"), "only rooms are case-insensitive")
        #expect(
            String(pseudonym(.user, "x").dropFirst(5)) != String(pseudonym(.id, "x").dropFirst(3)),
            "a kind's key is its own"
        )
        #expect(pseudonym(.ip4, "203.0.113.9").wholeMatch(of: #/ip4-[0-9a-f]{8}/#) != nil)
        let other = Pseudonymizer(key: Array("another key, also 32 bytes long.".utf8))
        var out: [UInt8] = []
        Array("203.0.113.9".utf8).withUnsafeBufferPointer { other.append(.ip4, $0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) != pseudonym(.ip4, "203.0.113.9"))
    }
}
