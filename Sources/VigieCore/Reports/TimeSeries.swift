public import struct Foundation.Date

/// One series of a range query: its labels and its samples, oldest first.
public struct TimeSeries: Sendable, Hashable {
    public var labels: [String: String]
    public var samples: [Sample]

    public struct Sample: Sendable, Hashable {
        public var at: Date
        public var value: Double

        public init(at: Date, value: Double) {
            self.at = at
            self.value = value
        }
    }

    public init(labels: [String: String], samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }

    /// Decodes a Prometheus `query_range` answer (`resultType: matrix`).
    public static func decodeMatrix(_ bytes: [UInt8]) throws(PrometheusError) -> [TimeSeries] {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw PrometheusError(description: "Prometheus answered something that is not JSON: \(error)")
        }
        guard json["status"] == .string("success") else {
            var reason = "unknown error"
            if case .string(let text)? = json["error"] { reason = text }
            throw PrometheusError(description: "Prometheus refused the query: \(reason)")
        }
        guard case .array(let results)? = json["data"]?["result"] else {
            throw PrometheusError(description: "Prometheus answered without data.result")
        }
        var series: [TimeSeries] = []
        for result in results {
            var labels: [String: String] = [:]
            if case .object(let pairs)? = result["metric"] {
                for (key, value) in pairs { if case .string(let text) = value { labels[key] = text } }
            }
            var samples: [Sample] = []
            if case .array(let values)? = result["values"] {
                for value in values {
                    guard case .array(let pair) = value, pair.count == 2, let time = pair[0].double,
                        let number = pair[1].double
                    else {
                        continue
                    }
                    samples.append(Sample(at: Date(timeIntervalSince1970: time), value: number))
                }
            }
            series.append(TimeSeries(labels: labels, samples: samples))
        }
        return series
    }
}

/// What went wrong with a Prometheus query: the server's refusal, an answer that is not one, or the way there.
public struct PrometheusError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
