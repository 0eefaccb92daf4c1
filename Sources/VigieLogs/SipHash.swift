import VigieCore

// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a pseudorandom
// function keyed with 128 bits, built for short messages such as the addresses, names and ids of a
// log. It costs a few dozen cycles for a 16-byte value where HMAC-SHA256 costs four SHA-256 blocks,
// and its output cannot be computed, nor the key recovered, without the key (its PRF claim, which
// the cryptanalysis since 2012 has not broken). Written from the paper's description; the tests check
// it against the paper's reference vectors.

/// SipHash-2-4 with a fixed key.
struct SipHash24: Sendable, Hashable {
    let k0: UInt64
    let k1: UInt64

    /// A key of 16 bytes, read little-endian as the paper does.
    init(key: [UInt8]) {
        precondition(key.count == 16, "SipHash takes a 128-bit key")
        var k0: UInt64 = 0
        var k1: UInt64 = 0
        for index in 0..<8 {
            k0 |= UInt64(key[index]) << (8 * UInt64(index))
            k1 |= UInt64(key[index + 8]) << (8 * UInt64(index))
        }
        self.k0 = k0
        self.k1 = k1
    }

    @inline(__always)
    static func round(_ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64) {
        v0 = v0 &+ v1
        v1 = (v1 << 13) | (v1 >> 51)
        v1 ^= v0
        v0 = (v0 << 32) | (v0 >> 32)
        v2 = v2 &+ v3
        v3 = (v3 << 16) | (v3 >> 48)
        v3 ^= v2
        v0 = v0 &+ v3
        v3 = (v3 << 21) | (v3 >> 43)
        v3 ^= v0
        v2 = v2 &+ v1
        v1 = (v1 << 17) | (v1 >> 47)
        v1 ^= v2
        v2 = (v2 << 32) | (v2 >> 32)
    }

    /// The 64-bit SipHash-2-4 of `count` bytes at `bytes`.
    @inline(__always)
    func hash(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var v0 = k0 ^ 0x736f_6d65_7073_6575
        var v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261
        var v3 = k1 ^ 0x7465_6462_7974_6573
        var offset = 0
        while offset + 8 <= count {
            let m = UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self).littleEndian
            v3 ^= m
            Self.round(&v0, &v1, &v2, &v3)
            Self.round(&v0, &v1, &v2, &v3)
            v0 ^= m
            offset += 8
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while offset < count {
            last |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        v3 ^= last
        Self.round(&v0, &v1, &v2, &v3)
        Self.round(&v0, &v1, &v2, &v3)
        v0 ^= last
        v2 ^= 0xff
        Self.round(&v0, &v1, &v2, &v3)
        Self.round(&v0, &v1, &v2, &v3)
        Self.round(&v0, &v1, &v2, &v3)
        Self.round(&v0, &v1, &v2, &v3)
        return v0 ^ v1 ^ v2 ^ v3
    }

    func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                return withUnsafePointer(to: 0 as UInt8) { hash($0, count: 0) }
            }
            return hash(base, count: buffer.count)
        }
    }
}
