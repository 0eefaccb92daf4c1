/// One sample of a Prometheus or OpenMetrics exposition.
public struct MetricSample: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var value: Double

    public init(name: String, labels: [String: String] = [:], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }
}

/// A parsed `/metrics` page: its samples, and how many lines could not be read.
public struct MetricScrape: Sendable, Hashable {
    public var samples: [MetricSample]
    /// Lines that are neither comments nor valid samples (skipped, never fatal).
    public var malformedLines: Int
    /// Families announced by a `# TYPE` line: a declared family without samples means zero of it
    /// (Prosody prints no `c2s__connections` sample while nobody is connected).
    public var declaredFamilies: Set<String>

    public init(samples: [MetricSample] = [], malformedLines: Int = 0, declaredFamilies: Set<String> = []) {
        self.samples = samples
        self.malformedLines = malformedLines
        self.declaredFamilies = declaredFamilies
    }

    /// The first sample of `name` (any labels), if present and finite.
    public func value(_ name: String) -> Double? {
        samples.first { $0.name == name && $0.value.isFinite }?.value
    }

    /// The first of several names that is present: metric names move between Jitsi versions.
    public func value(anyOf names: [String]) -> Double? {
        for name in names { if let value = value(name) { return value } }
        return nil
    }

    /// The sum of every sample of `name` whose labels include `matching`: 0 when the family is declared
    /// without a matching sample, `nil` when it is unknown.
    ///
    /// Duplicate samples (same name and labels, a Prosody 0.12 quirk) are counted once.
    public func sum(_ name: String, matching: [String: String] = [:]) -> Double? {
        var seen: Set<[String: String]> = []
        var total: Double?
        for sample in samples where sample.name == name && sample.value.isFinite {
            guard matching.allSatisfy({ sample.labels[$0.key] == $0.value }), seen.insert(sample.labels).inserted else {
                continue
            }
            total = (total ?? 0) + sample.value
        }
        return total ?? (declaredFamilies.contains(name) ? 0 : nil)
    }
}
