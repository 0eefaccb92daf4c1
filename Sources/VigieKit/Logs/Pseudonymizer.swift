// Keyed pseudonyms: HMAC-SHA256(key, kind ‖ 0 ‖ value), first 32 bits in hex, behind a prefix that
// says what the value was (`ip4-3f9a2c1b`, `room-0c1d2e3f`). The prefix makes a pseudonym impossible
// to mistake for a real address, JID or room, the key makes it impossible to compute without the key,
// and the same value gives the same pseudonym for as long as the key lives (one day), so a day's logs
// can still be followed (which address failed ICE again and again) without saying who.
//
// Logs repeat their values (a participant's address on hundreds of lines): a direct-mapped cache of
// recent pseudonyms, compared byte for byte, answers most of them without computing the HMAC.

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

        /// The HMAC input before the value: the kind's name and a zero byte.
        var macPrefix: [UInt8] { Array(name.utf8) + [0] }
        var label: [UInt8] { Array(name.utf8) }
    }

    let hmac: PrefixedHMAC
    /// Keep the network part of addresses (/24, /48) for network-level analysis (opt-in).
    public var keepNetworkPrefix: Bool
    private var cache = PseudonymCache()

    public init(key: [UInt8], keepNetworkPrefix: Bool = false) {
        self.hmac = PrefixedHMAC(key: key)
        self.keepNetworkPrefix = keepNetworkPrefix
    }

    /// A pseudonymizer with a random key, for a run without a configured key.
    public static func random(keepNetworkPrefix: Bool = false) -> Pseudonymizer {
        Pseudonymizer(key: (0..<32).map { _ in UInt8.random(in: 0...255) }, keepNetworkPrefix: keepNetworkPrefix)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
    static let prefixes = Kind.allCases.map(\.macPrefix)
    static let labels = Kind.allCases.map(\.label)

    /// The 8 hex digits of the pseudonym of `value`.
    public func code(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let mac = hmac.authenticationCode(prefix: Self.prefixes[Int(kind.rawValue)], message: value)
        var hex: [UInt8] = []
        hex.reserveCapacity(8)
        for byte in mac.prefix(4) {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return hex
    }

    /// Appends the pseudonym of `value` to `out`.
    public mutating func append(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(contentsOf: Self.labels[Int(kind.rawValue)])
        if keepNetworkPrefix, kind == .ip4 || kind == .ip6, let prefix = Self.networkPrefix(value) {
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: prefix.utf8)
            out.append(UInt8(ascii: ":"))
        } else {
            out.append(UInt8(ascii: "-"))
        }
        let slot = cache.slot(kind: kind.rawValue, value: value)
        if !cache.appendCode(slot, value: value, to: &out) {
            let hex = code(kind, value)
            cache.store(slot, kind: kind.rawValue, value: value, code: hex)
            out.append(contentsOf: hex)
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

/// A direct-mapped cache of recent pseudonyms: 16,384 slots of values up to 48 bytes (under 1 MB,
/// so that it stays in the processor's cache; logs repeat a value close to where it last appeared).
struct PseudonymCache: Sendable {
    static let slots = 1 << 14
    static let width = 48
    /// FNV-1a of kind and value, with the value's length in the low byte (0: empty slot).
    private var tags = [UInt64](repeating: 0, count: slots)
    private var keys = [UInt8](repeating: 0, count: slots * width)
    private var codes = [UInt8](repeating: 0, count: slots * 8)

    func slot(kind: UInt8, value: UnsafeBufferPointer<UInt8>) -> (index: Int, tag: UInt64) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(kind)
        for byte in value { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let tag = (hash & ~0xFF) | UInt64(min(value.count, 255))
        return (Int(truncatingIfNeeded: hash >> 20) & (Self.slots - 1), tag)
    }

    /// Appends the cached code of `value` and returns true, or returns false on a miss.
    func appendCode(_ slot: (index: Int, tag: UInt64), value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        guard value.count <= Self.width, tags[slot.index] == slot.tag else { return false }
        let matches = keys.withUnsafeBufferPointer { keys in
            let base = slot.index * Self.width
            for offset in 0..<value.count where keys[base + offset] != value[offset] { return false }
            return true
        }
        guard matches else { return false }
        codes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[(slot.index * 8)..<(slot.index * 8 + 8)])) }
        return true
    }

    mutating func store(_ slot: (index: Int, tag: UInt64), kind: UInt8, value: UnsafeBufferPointer<UInt8>, code: [UInt8]) {
        guard value.count <= Self.width else { return }
        tags[slot.index] = slot.tag
        keys.withUnsafeMutableBufferPointer { keys in
            let base = slot.index * Self.width
            for offset in 0..<value.count { keys[base + offset] = value[offset] }
        }
        codes.withUnsafeMutableBufferPointer { codes in
            for offset in 0..<8 { codes[slot.index * 8 + offset] = code[offset] }
        }
    }
}
