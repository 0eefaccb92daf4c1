#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address literal, validated and kept in its canonical text form.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable {
        case v4
        case v6
    }

    public let family: Family
    /// The address in network byte order (4 or 16 bytes).
    public let bytes: [UInt8]

    /// Parses a literal address (`203.0.113.10`, `2001:db8::1`); `nil` when the text is not one.
    ///
    /// Brackets around an IPv6 address (`[::1]`) are accepted, as in URLs.
    public init?(_ text: some StringProtocol) {
        var literal = String(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") {
            literal = String(literal.dropFirst().dropLast())
        }
        if let v4 = IPAddress.parse(literal, family: AF_INET, size: 4) {
            self.family = .v4
            self.bytes = v4
        } else if let v6 = IPAddress.parse(literal, family: AF_INET6, size: 16) {
            self.family = .v6
            self.bytes = v6
        } else {
            return nil
        }
    }

    /// Builds an address from its bytes (4 for IPv4, 16 for IPv6).
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self.family = .v4
        case 16: self.family = .v6
        default: return nil
        }
        self.bytes = bytes
    }

    private static func parse(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: size)
        let result = buffer.withUnsafeMutableBytes { raw in
            inet_pton(family, text, raw.baseAddress)
        }
        return result == 1 ? buffer : nil
    }

    /// The canonical text form (`2001:db8::1`, never bracketed).
    public var description: String {
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let af = family == .v4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(af, raw.baseAddress, &output, socklen_t(output.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether this is a loopback address (127.0.0.0/8 or ::1).
    public var isLoopback: Bool {
        switch family {
        case .v4: return bytes[0] == 127
        case .v6: return bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
    }
}
