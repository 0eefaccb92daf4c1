import Testing

@testable import VigieCore
import VigieTestSupport

@Suite struct PrometheusTextParserTests {
    @Test func readsTheRecordedProsodyScrape() throws {
        let scrape = PrometheusTextParser.parse(try Fixtures.bytes(Fixtures.prosodyMetrics))
        #expect(scrape.malformedLines == 0)
        #expect(scrape.samples.count > 100)
        #expect(scrape.sum("prosody_mod_c2s__connections", matching: ["type": "c2s", "ip_family": "ipv4"]) == 2)
        #expect(scrape.sum("prosody_mod_c2s__connections", matching: ["type": "c2s"]) == 2)
        #expect(scrape.value("prosody_mod_bosh__new_sid_total") == 3)
        #expect(scrape.value("prosody_mod_bosh__inactive_sessions") == 2)
        #expect(scrape.sum("prosody_mod_muc__live_room") == 1)
        let bucket = scrape.samples.first {
            $0.name == "prosody_mod_smacks__tx_acked_stanzas_bucket" && $0.labels["le"] == "+Inf"
        }
        #expect(bucket?.labels["host"] == "meet.example.test")
    }

    @Test func duplicatedSamplesAreSummedOnce() {
        // Prosody 0.12 prints its last two samples twice before # EOF.
        let scrape = PrometheusTextParser.parse("a{x=\"1\"} 2\na{x=\"2\"} 3\na{x=\"2\"} 3\n# EOF\na 100\n")
        #expect(scrape.samples.count == 3, "nothing after # EOF")
        #expect(scrape.sum("a") == 5)
    }

    @Test func readsEscapesSpecialValuesAndTimestamps() {
        let scrape = PrometheusTextParser.parse(
            """
            # HELP m A metric.
            # TYPE m gauge
            m{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",} 1.5e3 1700000000000
            nan_metric NaN
            up_inf +Inf
            down_inf -Inf
              spaced_metric   7
            colon:name 1
            """
        )
        #expect(scrape.malformedLines == 0)
        let m = scrape.samples[0]
        #expect(m.labels == ["path": "C:\\dir", "quote": "say \"hi\"", "nl": "a\nb"])
        #expect(m.value == 1500)
        #expect(scrape.samples[1].value.isNaN)
        #expect(scrape.value("nan_metric") == nil, "NaN is not a usable value")
        #expect(scrape.samples[2].value == .infinity)
        #expect(scrape.samples[3].value == -.infinity)
        #expect(scrape.value("spaced_metric") == 7)
        #expect(scrape.value("colon:name") == 1)
    }

    @Test(arguments: [
        "m{x=\"unterminated} 1", "m{x=1} 1", "m 12abc", "m", "{x=\"1\"} 1", "9m 1", "m{x=\"1\" 1", "m{=\"1\"} 1",
    ])
    func malformedLinesAreCountedNotFatal(_ line: String) {
        let scrape = PrometheusTextParser.parse("good 1\n\(line)\nalso_good 2\n")
        #expect(scrape.malformedLines == 1)
        #expect(scrape.samples.map(\.name) == ["good", "also_good"])
    }

    @Test func aDeclaredFamilyWithoutSamplesIsZero() {
        let scrape = PrometheusTextParser.parse("# HELP c Established connections\n# TYPE c gauge\nother 1\n")
        #expect(scrape.declaredFamilies == ["c"])
        #expect(scrape.sum("c") == 0)
        #expect(scrape.sum("unknown") == nil)
    }

    @Test func crlfAndEmptyInput() {
        #expect(PrometheusTextParser.parse("").samples.isEmpty)
        #expect(PrometheusTextParser.parse("a 1\r\nb 2\r\n").samples.map(\.value) == [1, 2])
    }
}
