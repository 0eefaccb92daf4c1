import Testing

@testable import VigieCore

@Suite struct EndpointTests {
    @Test(arguments: [
        ("meet.example.org:443", "meet.example.org:443"),
        ("MEET.Example.org:5222", "meet.example.org:5222"),
        ("127.0.0.1:10000", "127.0.0.1:10000"),
        ("[2001:db8::1]:3478", "[2001:db8::1]:3478"),
        ("[::1]:80", "[::1]:80"),
    ])
    func parses(_ text: String, _ expected: String) throws {
        let endpoint = try Endpoint.parse(text).get()
        #expect(endpoint.description == expected)
    }

    @Test(arguments: [
        ("meet.example.org", Endpoint.ParseFailure.missingPort),
        ("meet.example.org:https", .badPort("https")),
        ("meet.example.org:-1", .badPort("-1")),
        ("meet.example.org:65536", .portOutOfRange(65536)),
        ("-bad-.example.org:1", .badHost("-bad-.example.org")),
        ("exa mple.org:1", .badHost("exa mple.org")),
        ("[2001:db8::1:3478", .badHost("[2001:db8::1:3478")),
        ("[nonsense]:1", .badHost("nonsense")),
        (":443", .badHost("")),
    ])
    func refuses(_ text: String, _ failure: Endpoint.ParseFailure) {
        #expect(throws: failure) { try Endpoint.parse(text).get() }
    }

    @Test func defaultPortAppliesOnlyWithoutOne() throws {
        #expect(try Endpoint.parse("turn.example.org", defaultPort: 3478).get().port == 3478)
        #expect(try Endpoint.parse("turn.example.org:5349", defaultPort: 3478).get().port == 5349)
        #expect(try Endpoint.parse("2001:db8::1", defaultPort: 3478).get().host == .address(IPAddress("2001:db8::1")!))
    }

    @Test func addressesAreCanonical() throws {
        #expect(IPAddress("2001:0db8:0000::0001")?.description == "2001:db8::1")
        #expect(IPAddress("[::1]")?.isLoopback == true)
        #expect(IPAddress("127.3.2.1")?.isLoopback == true)
        #expect(IPAddress("10.0.0.1")?.isLoopback == false)
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}
