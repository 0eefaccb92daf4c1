/// Matches a host against a certificate's names, as RFC 6125 and browsers do.
///
/// Only subjectAltName entries count (the subject's common name is ignored, as every current
/// browser does). A wildcard is accepted only as the whole left-most label and covers exactly
/// one label; an IP address matches only an IP address entry.
public enum HostnameMatcher {
    public static func matches(_ host: Host, dnsNames: [String], ipAddresses: [IPAddress]) -> Bool {
        switch host {
        case .address(let address):
            return ipAddresses.contains(address)
        case .name(let name):
            let wanted = normalise(name)
            return dnsNames.contains { pattern in matches(wanted, pattern: normalise(pattern)) }
        }
    }

    static func normalise(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    static func matches(_ name: String, pattern: String) -> Bool {
        guard pattern.hasPrefix("*.") else { return name == pattern }
        let suffix = pattern.dropFirst(2)
        // A wildcard needs at least two labels after it (`*.com` never matches).
        guard suffix.contains("."), let dot = name.firstIndex(of: ".") else { return false }
        let firstLabel = name[..<dot]
        return !firstLabel.isEmpty && name[name.index(after: dot)...] == suffix
    }
}
