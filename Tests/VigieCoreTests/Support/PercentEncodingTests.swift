import Testing

@testable import VigieCore

/// One percent-encoder for the report's links and the Prometheus client's queries.
@Suite struct PercentEncodingTests {
    @Test func unreservedBytesStayAndEveryOtherByteIsEncoded() {
        #expect(PercentEncoding.encode("Az09-_.~") == "Az09-_.~")
        #expect(PercentEncoding.encode("a b/c?d=e&f#g%") == "a%20b%2Fc%3Fd%3De%26f%23g%25")
        // UTF-8 bytes one by one, upper-case, two digits each (a control byte too).
        #expect(PercentEncoding.encode("é\n") == "%C3%A9%0A")
        #expect(PercentEncoding.encode("") == "")
    }

    @Test func aLinkTargetEncodesTheTildeToo() {
        #expect(PercentEncoding.encode("~x", keepingTilde: false) == "%7Ex")
        #expect(ReportDocument.linkTarget("rapport du 1er.png") == "rapport%20du%201er.png")
    }
}
