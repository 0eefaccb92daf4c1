@testable import VigieCore

/// Jitsi's JSON statistics (`/colibri/stats`, Jicofo's `/stats`): parsing, serialising back and the
/// extractors never trap; a parsed document serialises to JSON that parses to the same value.
public func fuzzJitsiJSON(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    for kind in [Collector.Kind.jvbColibriStats, .jicofoStats] { _ = JitsiStatsExtractor.extract(kind, body: bytes) }
    if let value = try? JSONValue.parse(bytes) {
        let again = try? JSONValue.parse(value.serialized())
        precondition(again != nil, "a parsed document serialises to valid JSON")
    }
    return 0
}
