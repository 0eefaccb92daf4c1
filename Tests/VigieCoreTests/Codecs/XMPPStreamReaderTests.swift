import Testing

@testable import VigieCore
import VigieTestSupport

@Suite struct XMPPStreamReaderTests {
    /// What Prosody 0.12 sends to a client that opens a stream to a domain it serves (c2s_require_encryption on).
    static let prosodyAnswer = """
        <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xml:lang='en' \
        id='6d3b2c4e-8f2a' from='meet.example.org' version='1.0' xmlns='jabber:client'>\
        <stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>\
        </stream:features>
        """

    @Test func readsFeaturesEvenByteByByte() {
        var reader = XMPPStreamReader()
        var outcome = XMPPStreamOutcome.needMore
        let bytes = Array(Self.prosodyAnswer.utf8)
        for (index, byte) in bytes.enumerated() {
            outcome = reader.feed([byte])
            if index < bytes.count - 1 { #expect(outcome == .needMore, "complete too early at byte \(index)") }
        }
        guard case .features(let features) = outcome else {
            Issue.record("expected features, got \(outcome)")
            return
        }
        #expect(features.from == "meet.example.org")
        #expect(features.version == "1.0")
        #expect(features.startTLS)
        #expect(features.startTLSRequired)
        #expect(features.features == ["starttls"])
    }

    @Test func readsMechanismsAndOptionalStartTLS() {
        var reader = XMPPStreamReader()
        let outcome = reader.feed(
            Array(
                """
                <stream:stream xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams" from="d.org" version="1.0">
                <!-- a comment -->
                <stream:features>
                  <starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>
                  <mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>SCRAM-SHA-1</mechanism><mechanism>ANONYMOUS</mechanism></mechanisms>
                  <register xmlns="http://jabber.org/features/iq-register"/>
                </stream:features>
                """.utf8
            )
        )
        guard case .features(let features) = outcome else {
            Issue.record("expected features, got \(outcome)")
            return
        }
        #expect(features.startTLS)
        #expect(!features.startTLSRequired)
        #expect(features.saslMechanisms == ["SCRAM-SHA-1", "ANONYMOUS"])
        #expect(features.features == ["starttls", "mechanisms", "register"])
    }

    @Test func withoutStartTLS() {
        var reader = XMPPStreamReader()
        let outcome = reader.feed(
            Array(
                "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' from='d.org' version='1.0'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>"
                    .utf8
            )
        )
        guard case .features(let features) = outcome else {
            Issue.record("expected features, got \(outcome)")
            return
        }
        #expect(!features.startTLS)
        #expect(features.saslMechanisms == ["PLAIN"])
    }

    @Test func readsAHostUnknownStreamError() {
        var reader = XMPPStreamReader()
        let outcome = reader.feed(
            Array(
                """
                <?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xmlns='jabber:client'>\
                <stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
                <text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>This server does not serve x.org</text></stream:error></stream:stream>
                """.utf8
            )
        )
        #expect(outcome == .streamError(condition: "host-unknown", text: "This server does not serve x.org"))
    }

    @Test(arguments: [
        (
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n\r\n",
            "not an XMPP server (answered \"HTTP/1.1 400 Bad Request\")"
        ),
        ("<html><body>hi</body></html>", "not an XMPP stream (first element <html>)"),
        (
            "<stream:stream xmlns:stream='urn:wrong' version='1.0'>",
            "stream element is not in the http://etherx.jabber.org/streams namespace"
        ),
        ("<!DOCTYPE stream>", "DOCTYPE and CDATA are not allowed in an XMPP stream"),
        (
            "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'></stream:stream>",
            "server closed the stream before sending its features"
        ),
        ("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><a></b>", "</b> closes <a>"),
        (
            "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from=d.org>",
            "malformed attributes in <stream:stream>"
        ),
        ("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>", "server closed the stream at once"),
    ])
    func refusesWhatIsNotAnXMPPStream(_ text: String, _ reason: String) {
        var reader = XMPPStreamReader()
        #expect(reader.feed(Array(text.utf8)) == .malformed(reason))
    }

    @Test func capsWhatItBuffers() {
        var reader = XMPPStreamReader()
        _ = reader.feed(Array("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>".utf8))
        let padding = [UInt8](repeating: UInt8(ascii: " "), count: XMPPStreamReader.maximumBytes)
        guard case .malformed(let reason) = reader.feed(padding) else {
            Issue.record("an endless opening must be refused")
            return
        }
        #expect(reason.contains("no stream features"))
    }

    @Test func openingHeaderEscapesTheDomain() {
        let header = XMPPStreamReader.openingHeader(to: "a'b.org")
        #expect(header.contains("to='a&apos;b.org'"))
        #expect(header.hasPrefix("<?xml version='1.0'?><stream:stream "))
        #expect(header.contains("xmlns:stream='http://etherx.jabber.org/streams'"))
    }

    @Test func neverTrapsOnHostileInput() {
        var generator = SeededGenerator(seed: 6120)
        let alphabet = Array("<>/='\"?!- :abcstream\n&;".utf8)
        for _ in 0..<5_000 {
            var reader = XMPPStreamReader()
            let length = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = reader.feed(bytes)
        }
    }

    /// The server's answer to `<starttls/>`, however it arrives.
    @Test func startTLSAnswers() {
        func answer(_ text: String) -> XMPPStreamReader.StartTLSAnswer {
            XMPPStreamReader.startTLSAnswer(Array(text.utf8))
        }
        #expect(answer("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>") == .proceed)
        #expect(answer("  <proceed xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/>") == .proceed)
        #expect(answer("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'") == .needMore, "cut in the middle")
        #expect(answer("") == .needMore)
        #expect(answer("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>") == .failure)
        #expect(
            answer("<proceed xmlns='jabber:client'/>") == .refused("answered STARTTLS with <proceed>"),
            "another namespace is not TLS's proceed"
        )
        #expect(
            answer("<stream:error><policy-violation/></stream:error>") == .refused("stream error in answer to STARTTLS")
        )
        #expect(answer("</stream:stream>") == .refused("server closed the stream in answer to STARTTLS"))
        #expect(answer("HTTP/1.1 400") == .refused("answered STARTTLS with \"HTTP/1.1 400\""))
        #expect(
            answer(String(repeating: " ", count: XMPPStreamReader.maximumBytes + 1))
                == .refused("no answer to STARTTLS in the first \(XMPPStreamReader.maximumBytes) bytes")
        )
    }
}
