@testable import VigieCore

/// A scraped exposition (Prometheus text, OpenMetrics): parsing and the Jitsi extractors never trap.
public func fuzzPrometheusText(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let scrape = PrometheusTextParser.parse(bytes)
    _ = JitsiStatsExtractor.jvbMetrics(scrape)
    _ = JitsiStatsExtractor.jicofoMetrics(scrape)
    _ = JitsiStatsExtractor.prosody(scrape)
    return 0
}
