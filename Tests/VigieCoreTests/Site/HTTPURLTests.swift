import Testing

@testable import VigieCore

@Suite struct HTTPURLTests {
    @Test func parsesAndDescribes() throws {
        let url = try HTTPURL.parse("HTTPS://Meet.Example.org").get()
        #expect(url.scheme == .https)
        #expect(url.port == 443)
        #expect(url.requestTarget == "/")
        #expect(url.hostHeader == "meet.example.org")
        #expect(url.description == "https://meet.example.org/")
        let withPort = try HTTPURL.parse("http://127.0.0.1:8080/about/health").get()
        #expect(withPort.hostHeader == "127.0.0.1:8080")
        #expect(try HTTPURL.parse("http://d.org?x=1").get().requestTarget == "/?x=1")
    }

    @Test(arguments: [
        "ftp://d.org/", "d.org", "http://", "http://d.org/a b", "http://user@d.org/", "http://d.org:0/",
        "https://exa_mple..org/",
    ])
    func refuses(_ text: String) {
        #expect(throws: HTTPURL.ParseFailure.self) { try HTTPURL.parse(text).get() }
    }

    @Test(arguments: [
        ("https://meet.example.org/", "https://meet.example.org/"),
        ("/welcome", "http://d.org:8080/welcome"),
        ("next", "http://d.org:8080/a/next"),
        ("?q=2", "http://d.org:8080/a/b?q=2"),
        ("//cdn.example.org/x", "http://cdn.example.org/x"),
        ("  https://d.org:8443/  ", "https://d.org:8443/"),
    ])
    func resolvesLocations(_ location: String, _ expected: String) throws {
        let base = try HTTPURL.parse("http://d.org:8080/a/b?q=1").get()
        #expect(base.resolving(location: location)?.description == expected)
    }

    @Test func hstsHeader() {
        #expect(HSTSHeader.maxAge("max-age=63072000; includeSubDomains") == 63_072_000)
        #expect(HSTSHeader.maxAge("includeSubDomains; Max-Age=\"300\"") == 300)
        #expect(HSTSHeader.maxAge("max-age=0") == 0)
        #expect(HSTSHeader.maxAge("includeSubDomains") == nil)
        #expect(HSTSHeader.maxAge("max-age=soon") == nil)
    }
}
