import VigieCore

extension LogAnonymizer {
    /// The sensitive keys in an open-addressing table of 256 slots, by FNV-1a of the lower-cased key; a hit
    /// is confirmed byte for byte. No dictionary and no allocation in the scan.
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
}
