import Crypto

import struct Foundation.Data

// Keyed pseudonyms: HMAC-SHA256(key, kind ‖ value), first 32 bits in hex, behind a prefix that says
// what the value was (`ip4-3f9a2c1b`, `room-0c1d2e3f`). The prefix makes a pseudonym impossible to
// mistake for a real address, JID or room, the key makes it impossible to compute without the key,
// and the same value gives the same pseudonym for as long as the key lives (one day), so a
// day's logs can still be followed (which address failed ICE again and again) without saying who.

/// Turns personal values into stable, keyed pseudonyms.
///
/// `@unchecked Sendable`: swift-crypto 3's `SymmetricKey` is an immutable value not marked `Sendable`.
public struct Pseudonymizer: @unchecked Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case ip4, ip6, email, jid, room, user, id, ice, token, path
    }

    let key: SymmetricKey
    /// Keep the network part of addresses (/24, /48) for network-level analysis (opt-in).
    public var keepNetworkPrefix: Bool
    private var cache: [CacheKey: [UInt8]] = [:]
    static let cacheLimit = 100_000

    struct CacheKey: Hashable {
        var kind: UInt8
        var bytes: [UInt8]
    }

    public init(key: [UInt8], keepNetworkPrefix: Bool = false) {
        self.key = SymmetricKey(data: key)
        self.keepNetworkPrefix = keepNetworkPrefix
    }

    /// A pseudonymizer with a random key, for a run without a configured key.
    public static func random(keepNetworkPrefix: Bool = false) -> Pseudonymizer {
        Pseudonymizer(key: (0..<32).map { _ in UInt8.random(in: 0...255) }, keepNetworkPrefix: keepNetworkPrefix)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// The pseudonym of `value` (appended to `out`).
    public mutating func append(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let cacheKey = CacheKey(kind: UInt8(Kind.allCases.firstIndex(of: kind)!), bytes: Array(value))
        if let cached = cache[cacheKey] {
            out.append(contentsOf: cached)
            return
        }
        var pseudonym = Array(kind.rawValue.utf8)
        if keepNetworkPrefix, kind == .ip4 || kind == .ip6, let prefix = Self.networkPrefix(kind, value) {
            pseudonym = Array("\(kind.rawValue):\(prefix):".utf8)
        } else {
            pseudonym.append(UInt8(ascii: "-"))
        }
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Data(kind.rawValue.utf8))
        hmac.update(data: Data([0]))
        hmac.update(data: UnsafeRawBufferPointer(value))
        let code = hmac.finalize()
        for byte in code.prefix(4) {
            pseudonym.append(Self.hexDigits[Int(byte >> 4)])
            pseudonym.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[cacheKey] = pseudonym
        out.append(contentsOf: pseudonym)
    }

    /// `203.0.113.0/24` or `2001:db8:1234::/48` for an address.
    static func networkPrefix(_ kind: Kind, _ value: UnsafeBufferPointer<UInt8>) -> String? {
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
