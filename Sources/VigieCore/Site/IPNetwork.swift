/// An IPv4 or IPv6 network in CIDR notation (`198.51.100.0/28`, `2001:db8::/48`).
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `address/prefix`; a bare address is a host network (/32 or /128). Host bits must be zero,
    /// as `nft` and cloud firewalls require: `198.51.100.5/28` is refused rather than silently widened.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]), !parts[0].hasPrefix("[") else { return nil }
        let width = address.bytes.count * 8
        var length = width
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...width).contains(value), parts[1].allSatisfy(\.isASCII) else {
                return nil
            }
            length = value
        }
        guard IPNetwork.hostBitsAreZero(address.bytes, prefixLength: length) else { return nil }
        self.address = address
        self.prefixLength = length
    }

    static func hostBitsAreZero(_ bytes: [UInt8], prefixLength: Int) -> Bool {
        for (index, byte) in bytes.enumerated() {
            let bitsKept = max(0, min(8, prefixLength - index * 8))
            let mask: UInt8 = bitsKept == 0 ? 0 : ~UInt8(0) << (8 - bitsKept)
            if byte & ~mask != 0 { return false }
        }
        return true
    }

    public var family: IPAddress.Family { address.family }

    public var description: String { "\(address)/\(prefixLength)" }

    /// Whether `other` lies inside this network.
    public func contains(_ other: IPAddress) -> Bool {
        guard other.family == address.family else { return false }
        for index in 0..<address.bytes.count {
            let bitsKept = max(0, min(8, prefixLength - index * 8))
            let mask: UInt8 = bitsKept == 0 ? 0 : ~UInt8(0) << (8 - bitsKept)
            if other.bytes[index] & mask != address.bytes[index] & mask { return false }
        }
        return true
    }
}
