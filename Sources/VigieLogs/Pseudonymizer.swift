import Crypto
import VigieCore

// Keyed pseudonyms: SipHash-2-4 of the value under a key of its kind, first 32 bits in hex, behind a
// prefix that says what the value was (`ip4-3f9a2c1b`, `room-0c1d2e3f`).
//
// - The prefix makes a pseudonym impossible to mistake for a real address, JID or room.
// - The key makes it impossible to compute without the key: each kind has its own 128-bit SipHash
//   key, derived from the day's 32-byte key with HMAC-SHA256 (RFC 2104, as a key-derivation PRF), so
//   an address and a room that happen to be spelled alike get unrelated pseudonyms. SipHash is a PRF:
//   without the key, a pseudonym says nothing about its value, and trying every IPv4 address (2^32)
//   is useless without the key. The day's key is deleted when the day ends (``LogKeyStore``), after
//   which nobody can link the day's pseudonyms to values or to another day's.
// - The same value gives the same pseudonym for as long as the key lives (one day), so a day's logs
//   can still be followed (which address failed ICE again and again) without saying who. Room names
//   are normalised first — lower-cased, percent-decoded — because Jitsi treats `TeamWeekly`,
//   `teamweekly` and `team%77eekly` as one room.
// - 32 bits: two values share a pseudonym with probability about n²/2^33 (a few pairs among 200,000
//   addresses in a day), which blurs a count but reveals nothing.
//
// SipHash costs a few dozen cycles for a short value, so there is no cache: every value is hashed, and
// a log of 200,000 distinct addresses costs what a log of 2,000 does.

/// Turns personal values into stable, keyed pseudonyms.
public struct Pseudonymizer: Sendable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        case ip4, ip6, email, jid, room, user, id, ice, token, path

        var name: String {
            switch self {
            case .ip4: "ip4"
            case .ip6: "ip6"
            case .email: "email"
            case .jid: "jid"
            case .room: "room"
            case .user: "user"
            case .id: "id"
            case .ice: "ice"
            case .token: "token"
            case .path: "path"
            }
        }

        var label: [UInt8] { Array(name.utf8) }
    }

    /// One SipHash key per kind, derived from the day's key.
    let keys: [SipHash24]
    /// Keep the network part of addresses (/24, /48) for network-level analysis (opt-in).
    public var keepNetworkPrefix: Bool

    public init(key: [UInt8], keepNetworkPrefix: Bool = false) {
        let master = SymmetricKey(data: key)
        keys = Kind.allCases.map { kind in
            let info = Array("vigie log pseudonym v2 \(kind.name)".utf8)
            return SipHash24(key: Array(HMAC<SHA256>.authenticationCode(for: info, using: master).prefix(16)))
        }
        self.keepNetworkPrefix = keepNetworkPrefix
    }

    /// A pseudonymizer with a random key, for a run without a configured key.
    public static func random(keepNetworkPrefix: Bool = false) -> Pseudonymizer {
        var generator = SystemRandomNumberGenerator()
        return Pseudonymizer(
            key: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) },
            keepNetworkPrefix: keepNetworkPrefix
        )
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let labels: [[UInt8]] = Kind.allCases.map(\.label)
    /// The longest room name normalised (longer ones are hashed as written, lower-cased in place).
    static let normalisationLimit = 512

    /// The 8 hex digits of the pseudonym of `value` (already normalised).
    public func code(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var hex = [UInt8](repeating: 0, count: 8)
        let hash =
            value.baseAddress.map { keys[Int(kind.rawValue)].hash($0, count: value.count) }
            ?? keys[Int(kind.rawValue)].hash([])
        for index in 0..<8 { hex[index] = Self.hexDigits[Int((hash >> UInt64(60 - 4 * index)) & 0xF)] }
        return hex
    }

    /// The longest pseudonym ``write(_:_:count:to:)`` writes: `ip6:` and a /48 prefix (45 characters at
    /// most), `:` and eight hex digits.
    public static let longestPseudonym = 64

    /// Labels at a fixed address for the hot path: `label-` of each kind, eight bytes apart.
    nonisolated(unsafe) static let labelTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: Kind.allCases.count * 8)
        table.initialize(repeating: 0, count: Kind.allCases.count * 8)
        for kind in Kind.allCases {
            for (offset, byte) in (kind.label + [UInt8(ascii: "-")]).enumerated() {
                table[Int(kind.rawValue) * 8 + offset] = byte
            }
        }
        return UnsafePointer(table)
    }()
    nonisolated(unsafe) static let hexTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        for (index, byte) in hexDigits.enumerated() { table[index] = byte }
        return UnsafePointer(table)
    }()

    /// Writes the pseudonym of the `count` bytes at `value` at `out` (room for ``longestPseudonym`` bytes)
    /// and returns its length.
    @inline(__always)
    public func write(
        _ kind: Kind,
        _ value: UnsafePointer<UInt8>,
        count: Int,
        to out: UnsafeMutablePointer<UInt8>
    ) -> Int {
        if keepNetworkPrefix, kind == .ip4 || kind == .ip6 {
            var bytes: [UInt8] = []
            append(kind, value, count: count, to: &bytes)
            out.update(from: bytes, count: min(bytes.count, Self.longestPseudonym))
            return min(bytes.count, Self.longestPseudonym)
        }
        let label = Self.labelTable + Int(kind.rawValue) * 8
        var length = 0
        while label[length] != 0 {
            out[length] = label[length]
            length += 1
        }
        let hash: UInt64
        if kind == .room {
            hash = Self.withNormalisedRoom(value, count: count) { keys[Int(Kind.room.rawValue)].hash($0, count: $1) }
        } else {
            hash = keys[Int(kind.rawValue)].hash(value, count: count)
        }
        let hex = Self.hexTable
        for index in 0..<8 { out[length + index] = hex[Int((hash >> UInt64(60 - 4 * index)) & 0xF)] }
        return length + 8
    }

    /// Appends the pseudonym of the `count` bytes at `value` to `out`.
    public func append(_ kind: Kind, _ value: UnsafePointer<UInt8>, count: Int, to out: inout [UInt8]) {
        out.append(contentsOf: Self.labels[Int(kind.rawValue)])
        if keepNetworkPrefix, kind == .ip4 || kind == .ip6,
            let prefix = Self.networkPrefix(UnsafeBufferPointer(start: value, count: count))
        {
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: prefix.utf8)
            out.append(UInt8(ascii: ":"))
        } else {
            out.append(UInt8(ascii: "-"))
        }
        let hash: UInt64
        if kind == .room {
            hash = Self.withNormalisedRoom(value, count: count) { keys[Int(Kind.room.rawValue)].hash($0, count: $1) }
        } else {
            hash = keys[Int(kind.rawValue)].hash(value, count: count)
        }
        Self.appendHex(hash, to: &out)
    }

    /// Convenience for buffers.
    public func append(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if let base = value.baseAddress {
            append(kind, base, count: value.count, to: &out)
        } else {
            withUnsafePointer(to: 0 as UInt8) { append(kind, $0, count: 0, to: &out) }
        }
    }

    @inline(__always)
    static func appendHex(_ hash: UInt64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8) { hex in
            for index in 0..<8 { hex[index] = hexDigits[Int((hash >> UInt64(60 - 4 * index)) & 0xF)] }
            out.append(contentsOf: UnsafeBufferPointer(hex))
        }
    }

    /// A room name as Jitsi compares it: `%XX` decoded, `+` a space (as in a query string), lower-cased —
    /// ASCII in place, a name with other letters (`Équipe`) through Unicode lower-casing.
    static func withNormalisedRoom<R>(
        _ value: UnsafePointer<UInt8>,
        count: Int,
        _ body: (UnsafePointer<UInt8>, Int) -> R
    ) -> R {
        let limit = min(count, normalisationLimit)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(limit, 1)) { buffer in
            var length = 0
            var index = 0
            var ascii = true
            while index < limit {
                var byte = value[index]
                if byte == UInt8(ascii: "%"), index + 2 < limit, let high = hexValue(value[index + 1]),
                    let low = hexValue(value[index + 2])
                {
                    byte = high << 4 | low
                    index += 2
                } else if byte == UInt8(ascii: "+") {
                    byte = 0x20
                }
                if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { byte += 32 }
                if byte >= 0x80 { ascii = false }
                buffer[length] = byte
                length += 1
                index += 1
            }
            if ascii { return body(UnsafePointer(buffer.baseAddress!), length) }
            let lowered = Array(
                String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self).lowercased().utf8
            )
            return lowered.withUnsafeBufferPointer {
                body($0.baseAddress ?? UnsafePointer(buffer.baseAddress!), $0.count)
            }
        }
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `203.0.113.0/24` or `2001:db8:1234::/48` for an address.
    static func networkPrefix(_ value: UnsafeBufferPointer<UInt8>) -> String? {
        guard let address = IPAddress(String(decoding: value, as: UTF8.self)) else { return nil }
        var bytes = address.bytes
        switch address.family {
        case .v4:
            bytes[3] = 0
            return IPAddress(bytes: bytes).map { "\($0)/24" }
        case .v6:
            for index in 6..<16 { bytes[index] = 0 }
            return IPAddress(bytes: bytes).map { "\($0)/48" }
        }
    }
}
