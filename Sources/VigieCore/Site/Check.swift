/// One passive check of a service: what to probe, and the options of that probe.
public struct Check: Sendable, Hashable {
    /// The kind of probe, as the site file names it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case tcp
        case udp
        case http
        case https
        case stun
        case xmpp
    }

    /// What is probed, with the options that belong to that kind.
    public enum Target: Sendable, Hashable {
        case tcp(Endpoint)
        case udp(Endpoint)
        case http(HTTPCheck)
        case stun(Endpoint)
        case xmpp(XMPPCheck)
    }

    /// The name of the service this check belongs to.
    public var service: String
    /// The check's name within its service (`https`, `tcp-2`, or the site file's `name:`), used in metric labels.
    public var name: String
    public var target: Target
    /// The whole budget of one run of the probe, connection included.
    public var timeout: Duration
    /// How often `vigie serve` runs the check.
    public var interval: Duration
    /// An address to connect to instead of resolving the host name (like curl's `--resolve`).
    public var resolve: IPAddress?
    /// Where the check is written in the site file.
    public var location: SourceLocation?

    public static let defaultTimeout: Duration = .seconds(5)
    public static let defaultInterval: Duration = .seconds(30)

    public init(
        service: String,
        name: String? = nil,
        target: Target,
        timeout: Duration = Check.defaultTimeout,
        interval: Duration = Check.defaultInterval,
        resolve: IPAddress? = nil,
        location: SourceLocation? = nil
    ) {
        self.service = service
        self.target = target
        self.name = ""
        self.timeout = timeout
        self.interval = interval
        self.resolve = resolve
        self.location = location
        self.name = name ?? kind.rawValue
    }

    /// The `ca` file the check names (http, https and xmpp checks), if any.
    public var ca: SitePath? {
        switch target {
        case .http(let http): http.ca
        case .xmpp(let xmpp): xmpp.ca
        default: nil
        }
    }

    public var kind: Kind {
        switch target {
        case .tcp: return .tcp
        case .udp: return .udp
        case .http(let http): return http.url.scheme == .https ? .https : .http
        case .stun: return .stun
        case .xmpp: return .xmpp
        }
    }

    /// The endpoint the probe connects to (by name; `resolve` may redirect the connection).
    public var endpoint: Endpoint {
        switch target {
        case .tcp(let endpoint), .udp(let endpoint), .stun(let endpoint): return endpoint
        case .http(let http): return http.url.endpoint
        case .xmpp(let xmpp): return xmpp.endpoint
        }
    }

    /// The transport the probe uses to reach its endpoint.
    public var transport: Transport {
        switch target {
        case .udp, .stun: return .udp
        case .tcp, .http, .xmpp: return .tcp
        }
    }

    /// The target as the site file writes it (`meet.example.org:443`, `https://meet.example.org/`).
    public var targetDescription: String {
        switch target {
        case .http(let http): return http.url.description
        default: return endpoint.description
        }
    }

    /// A stable identifier, unique within a site: `service/kind/target` (and the XMPP domain: one Prosody
    /// port serves several VirtualHosts, each its own check).
    public var id: String {
        if case .xmpp(let xmpp) = target { return "\(service)/\(kind.rawValue)/\(targetDescription)/\(xmpp.domain)" }
        return "\(service)/\(kind.rawValue)/\(targetDescription)"
    }
}
