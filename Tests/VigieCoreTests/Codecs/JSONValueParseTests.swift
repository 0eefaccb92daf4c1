import Testing

@testable import VigieCore
import VigieTestSupport

@Suite struct JSONValueParseTests {
    @Test(arguments: [Fixtures.colibri21, Fixtures.colibri23, Fixtures.colibriLegacy, Fixtures.jicofo2020])
    func everyRecordedPayloadParses(_ name: String) throws {
        let value = try JSONValue.parse(try Fixtures.bytes(name))
        guard case .object(let pairs) = value else {
            Issue.record("\(name) is not an object")
            return
        }
        #expect(pairs.count > 10)
    }

    @Test func keepsTypesApart() throws {
        let value = try JSONValue.parse(#"{"i": 1, "f": 1.0, "e": 2e3, "b": true, "s": "3", "n": null, "neg": -4}"#)
        #expect(value["i"] == .integer(1))
        #expect(value["f"] == .number(1.0))
        #expect(value["e"]?.double == 2000)
        #expect(value["b"] == .bool(true))
        #expect(value["b"]?.double == nil, "a boolean is never a number")
        #expect(value["s"]?.double == 3, "numeric strings are read leniently")
        #expect(value["n"] == .null)
        #expect(value["neg"]?.double == -4)
        #expect(value["missing"] == nil)
    }

    @Test func decodesEscapes() throws {
        let value = try JSONValue.parse(#"["a\"b\\c\/d\n", "\u00e9\ud83d\ude00"]"#)
        #expect(value == .array([.string("a\"b\\c/d\n"), .string("é😀")]))
    }

    @Test(arguments: [
        ("", 0), ("{", 1), ("{\"a\" 1}", 5), ("[1,]", 3), ("tru", 3), ("{\"a\":1} x", 8), ("\"abc", 4), ("01x", 2),
        ("[\"\u{01}\"]", 2),
    ])
    func refusesMalformedInputWithItsOffset(_ text: String, _ offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test func boundsDepth() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
    }

    @Test func roundTripsThroughTheSerializer() throws {
        let text = #"{"a":[1,2.5,"x",true,null,{}],"b":{"c":"d"}}"#
        #expect(try JSONValue.parse(text).serialized() == text)
    }
}
