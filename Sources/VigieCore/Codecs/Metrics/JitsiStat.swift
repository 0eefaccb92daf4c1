/// A statistic Vigie re-exports from Jitsi's components, and the `vigie_jitsi_*` series it becomes.
///
/// Only aggregate numbers: nothing here can carry a room name, an endpoint id, a JID or an address.
public enum JitsiStat: String, Sendable, Hashable, CaseIterable {
    case conferences
    case participants
    case largestConference
    case conferencesCreated
    case stress
    case healthy
    case draining
    case gracefulShutdown
    case shuttingDown
    case bitrateIn
    case bitrateOut
    case packetRateIn
    case packetRateOut
    case lossIn
    case lossOut
    case lossOverall
    case iceSucceeded
    case iceFailed
    case bridges
    case bridgesOperational
    case bridgesInShutdown
    case bridgesLost
    case c2sSessions
    case boshSessions
    case mucRooms
    case threads

    /// How the statistic is exported.
    public struct Series: Sendable, Hashable {
        /// The full metric name (`vigie_jitsi_conferences`).
        public var name: String
        public var help: String
        public var isCounter: Bool
        /// A label beyond `service` that tells series of one family apart (`direction="in"`).
        public var extraLabel: (String, String)?

        public static func == (lhs: Series, rhs: Series) -> Bool {
            lhs.name == rhs.name && lhs.extraLabel?.0 == rhs.extraLabel?.0 && lhs.extraLabel?.1 == rhs.extraLabel?.1
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(extraLabel?.1)
        }
    }

    /// The factor from the statistic's unit to the exported base unit (bits to bytes for bitrates).
    public var exportScale: Double {
        switch self {
        case .bitrateIn, .bitrateOut: return 1.0 / 8
        default: return 1
        }
    }

    public var series: Series {
        func gauge(_ name: String, _ help: String, _ label: (String, String)? = nil) -> Series {
            Series(name: "vigie_jitsi_" + name, help: help, isCounter: false, extraLabel: label)
        }
        func counter(_ name: String, _ help: String) -> Series {
            Series(name: "vigie_jitsi_" + name, help: help, isCounter: true, extraLabel: nil)
        }
        let bitrate = "Media throughput of the bridge (RTP/RTCP), bytes per second."
        let packets = "RTP/RTCP packet rate through the bridge, packets per second."
        let loss = "Fraction of RTP packets lost (0-1)."
        let bridges = "Videobridges Jicofo knows, by state."
        let sessions = "XMPP client sessions on Prosody, by transport."
        switch self {
        case .conferences: return gauge("conferences", "Conferences in progress.")
        case .participants: return gauge("participants", "Participants (endpoints) in conferences.")
        case .largestConference: return gauge("largest_conference", "Participants in the largest conference.")
        case .conferencesCreated:
            return counter("conferences_created_total", "Conferences created since the component started.")
        case .stress: return gauge("stress_level", "Videobridge stress level (load estimate; above 0.8 is overloaded).")
        case .healthy: return gauge("healthy", "1 when the component reports itself healthy.")
        case .draining: return gauge("draining", "1 when the videobridge is in drain mode (no new conferences).")
        case .gracefulShutdown: return gauge("graceful_shutdown", "1 when the videobridge is in graceful shutdown.")
        case .shuttingDown: return gauge("shutting_down", "1 when the videobridge is shutting down.")
        case .bitrateIn: return gauge("throughput_bytes_per_second", bitrate, ("direction", "in"))
        case .bitrateOut: return gauge("throughput_bytes_per_second", bitrate, ("direction", "out"))
        case .packetRateIn: return gauge("packet_rate_packets_per_second", packets, ("direction", "in"))
        case .packetRateOut: return gauge("packet_rate_packets_per_second", packets, ("direction", "out"))
        case .lossIn: return gauge("loss_ratio", loss, ("direction", "in"))
        case .lossOut: return gauge("loss_ratio", loss, ("direction", "out"))
        case .lossOverall: return gauge("loss_ratio", loss, ("direction", "both"))
        case .iceSucceeded:
            return counter("ice_succeeded_total", "ICE sessions that succeeded since the bridge started.")
        case .iceFailed: return counter("ice_failed_total", "ICE sessions that failed since the bridge started.")
        case .bridges: return gauge("bridges", bridges, ("state", "all"))
        case .bridgesOperational: return gauge("bridges", bridges, ("state", "operational"))
        case .bridgesInShutdown: return gauge("bridges", bridges, ("state", "in_shutdown"))
        case .bridgesLost: return counter("bridges_lost_total", "Videobridges Jicofo lost since it started.")
        case .c2sSessions: return gauge("xmpp_sessions", sessions, ("transport", "c2s"))
        case .boshSessions: return gauge("xmpp_sessions", sessions, ("transport", "bosh"))
        case .mucRooms: return gauge("muc_rooms", "Live multi-user chat rooms (one per conference) on Prosody.")
        case .threads: return gauge("threads", "Threads of the Java component.")
        }
    }
}

/// The statistics one collection produced.
public struct JitsiStats: Sendable, Hashable {
    public var values: [JitsiStat: Double]

    public init(_ values: [JitsiStat: Double] = [:]) {
        self.values = values
    }

    public subscript(stat: JitsiStat) -> Double? {
        get { values[stat] }
        set { values[stat] = newValue.flatMap { $0.isFinite ? $0 : nil } }
    }

    /// These statistics, with `other`'s filling the gaps (for several sources of one service).
    public func merging(_ other: JitsiStats) -> JitsiStats {
        JitsiStats(values.merging(other.values) { mine, _ in mine })
    }
}
