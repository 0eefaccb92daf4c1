import Testing

@testable import VigieCore

@Suite struct HostnameMatcherTests {
    @Test(arguments: [
        ("meet.example.org", ["meet.example.org"], true),
        ("MEET.example.org", ["meet.EXAMPLE.org."], true),
        ("meet.example.org", ["*.example.org"], true),
        ("a.b.example.org", ["*.example.org"], false),
        ("example.org", ["*.example.org"], false),
        ("meet.example.org", ["*.org"], false),
        ("meet.example.org", ["other.example.org", "www.example.org"], false),
        ("meet.example.org", ["m*.example.org"], false),
        ("meet.example.org", [], false),
    ])
    func names(_ host: String, _ sans: [String], _ expected: Bool) {
        #expect(HostnameMatcher.matches(Host(host)!, dnsNames: sans, ipAddresses: []) == expected)
    }

    @Test func addressesMatchOnlyAddressEntries() {
        let address = IPAddress("127.0.0.1")!
        #expect(HostnameMatcher.matches(.address(address), dnsNames: ["127.0.0.1"], ipAddresses: []) == false)
        #expect(HostnameMatcher.matches(.address(address), dnsNames: [], ipAddresses: [address]))
        #expect(HostnameMatcher.matches(.name("localhost"), dnsNames: [], ipAddresses: [address]) == false)
    }
}
