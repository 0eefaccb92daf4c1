/// The `report:` section: what the daily analysis judges against.
public struct ReportSettings: Sendable, Hashable {
    /// Participants one bridge is sized for (the capacity note compares each bridge's peak with it).
    public var capacityPerBridge: Int?
    /// Total participants above which the day is noted.
    public var participantsThreshold: Double?
    /// Bridge stress above which the day is noted (Jitsi's own guidance: 0.8).
    public var stressThreshold: Double
    /// Probe duration above which a check is noted.
    public var probeLatencyThreshold: Duration
    /// Certificate days left below which the report warns.
    public var certificateDaysThreshold: Int

    public init(
        capacityPerBridge: Int? = nil,
        participantsThreshold: Double? = nil,
        stressThreshold: Double = 0.8,
        probeLatencyThreshold: Duration = .milliseconds(1000),
        certificateDaysThreshold: Int = 14
    ) {
        self.capacityPerBridge = capacityPerBridge
        self.participantsThreshold = participantsThreshold
        self.stressThreshold = stressThreshold
        self.probeLatencyThreshold = probeLatencyThreshold
        self.certificateDaysThreshold = certificateDaysThreshold
    }
}
