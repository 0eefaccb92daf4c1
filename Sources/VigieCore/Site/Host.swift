/// The host part of a target: a DNS name or an address literal.
public enum Host: Sendable, Hashable, CustomStringConvertible {
    case name(String)
    case address(IPAddress)

    /// Parses a host as written in a site file; names are lower-cased.
    ///
    /// - Returns: `nil` when the text is neither an address nor a valid DNS name.
    public init?(_ text: some StringProtocol) {
        if let address = IPAddress(text) {
            self = .address(address)
            return
        }
        let name = text.lowercased()
        guard Host.isValidName(name) else { return nil }
        self = .name(name)
    }

    /// RFC 1123 host names; underscores are tolerated inside labels because real deployments use them.
    static func isValidName(_ name: String) -> Bool {
        var name = Substring(name)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count),
                label.first != "-", label.last != "-",
                label.utf8.allSatisfy({ byte in
                    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
                })
            else { return false }
        }
        return true
    }

    /// The host as it appears in a URL or `host:port` (IPv6 bracketed).
    public var description: String {
        switch self {
        case .name(let name): return name
        case .address(let address): return address.family == .v6 ? "[\(address)]" : address.description
        }
    }

    /// The bare host: a name, or an address without brackets (for DNS, SNI and certificate matching).
    public var bare: String {
        switch self {
        case .name(let name): return name
        case .address(let address): return address.description
        }
    }
}
