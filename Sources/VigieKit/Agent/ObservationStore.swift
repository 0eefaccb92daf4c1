public import VigieCore

/// The latest observation of every check and collector: what `/api/v1/status` and readiness read.

public actor ObservationStore {
    private var results: [String: CheckResult] = [:]
    private var collections: [String: CollectorObservation] = [:]
    private var ready = false

    public init() {}

    public func record(_ result: CheckResult) {
        results[result.check.id] = result
    }

    public func record(_ observation: CollectorObservation) {
        collections[observation.collector.id] = observation
    }

    /// Drops what the site no longer declares (after a reload).
    public func prune(keeping site: Site) {
        let checkIDs = Set(site.checks.map(\.id))
        let collectorIDs = Set(site.collectors.map(\.id))
        results = results.filter { checkIDs.contains($0.key) }
        collections = collections.filter { collectorIDs.contains($0.key) }
    }

    /// The latest results in the order of the site file (checks not yet run are absent).
    public func results(for site: Site) -> [CheckResult] {
        site.checks.compactMap { results[$0.id] }
    }

    public func observations(for site: Site) -> [CollectorObservation] {
        site.collectors.compactMap { collections[$0.id] }
    }

    /// The latest successful observations of a service's collectors, best source first.
    public func stats(forService service: Service) -> JitsiStats {
        service.collectors
            .sorted { $0.kind.priority < $1.kind.priority }
            .compactMap { collections[$0.id]?.stats }
            .reduce(JitsiStats()) { $0.merging($1) }
    }

    /// The load at this moment, for an incident's impact: counts per service, no names.
    public func loadSummary(for site: Site) -> String? {
        var parts: [String] = []
        for service in site.services where !service.collectors.isEmpty {
            let stats = self.stats(forService: service)
            var figures: [String] = []
            if let conferences = stats[.conferences] { figures.append("\(Int(conferences)) conferences") }
            if let participants = stats[.participants] { figures.append("\(Int(participants)) participants") }
            if !figures.isEmpty { parts.append("\(service.name): \(figures.joined(separator: ", "))") }
        }
        return parts.isEmpty ? nil : "at detection: " + parts.joined(separator: "; ")
    }

    /// True once every check of the site has run at least once; it stays true across reloads.
    public func isReady(for site: Site) -> Bool {
        if !ready, site.checks.allSatisfy({ results[$0.id] != nil }) { ready = true }
        return ready
    }
}

extension Collector.Kind {
    /// When two sources of one service report the same statistic, the lower number wins:
    /// native `/metrics` before the older JSON APIs.
    var priority: Int {
        switch self {
        case .jvbMetrics: 0
        case .jvbColibriStats: 1
        case .jicofoMetrics: 2
        case .jicofoStats: 3
        case .prosodyOpenMetrics: 4
        }
    }
}
