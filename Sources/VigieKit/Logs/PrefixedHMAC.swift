import Crypto

// HMAC-SHA256 for short messages, with the key's inner and outer pad blocks absorbed once.
//
// A log pseudonymises millions of short values; a general HMAC re-derives the padded key for each
// (two extra SHA-256 blocks). Here the inner and outer hashers are primed with the padded key at
// init and copied for each value, which leaves one or two SHA-256 blocks per value, computed by
// swift-crypto's (BoringSSL, hardware-accelerated) SHA-256. The result is ordinary HMAC-SHA256
// (RFC 2104): tests compare it with swift-crypto's own `HMAC`.

/// HMAC-SHA256 with primed pad states.
///
/// `@unchecked Sendable`: swift-crypto 3's `SHA256` is a copy-on-write value not marked `Sendable`;
/// the primed hashers are never mutated after init (each use works on a copy).
struct PrefixedHMAC: @unchecked Sendable {
    private let innerHasher: SHA256
    private let outerHasher: SHA256

    init(key: [UInt8]) {
        var keyBlock = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        keyBlock += [UInt8](repeating: 0, count: 64 - keyBlock.count)
        var inner = SHA256()
        var outer = SHA256()
        keyBlock.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        keyBlock.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        innerHasher = inner
        outerHasher = outer
    }

    /// The 32-byte MAC of `prefix ‖ message`.
    func authenticationCode(prefix: [UInt8], message: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var inner = innerHasher
        prefix.withUnsafeBytes { inner.update(bufferPointer: $0) }
        inner.update(bufferPointer: UnsafeRawBufferPointer(message))
        let innerDigest = inner.finalize()
        var outer = outerHasher
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return Array(outer.finalize())
    }
}
