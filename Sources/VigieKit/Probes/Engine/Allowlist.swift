public import VigieCore

// "Pas de scan, uniquement nc -vz": Vigie only ever talks to endpoints its site file declares.
//
// The rule is enforced by types, not by convention: every probe takes an `AdmittedEndpoint`, and the
// only way to make one is `Allowlist.admit`, which refuses anything the site file does not name.
// Redirects followed by the http probe go through the same gate.

/// The set of endpoints a site declares, and the gate every probe goes through.
public struct Allowlist: Sendable, Hashable {
    struct Key: Sendable, Hashable {
        var host: Host
        var port: Int
        var transport: Transport
    }

    private var addresses: [Key: IPAddress?] = [:]

    /// The endpoints of every check, collector and drain API of `site`.
    public init(site: Site) {
        self.init(checks: site.checks, collectors: site.collectors)
        for url in site.drainURLs { declare(url.endpoint, transport: .tcp, resolve: nil) }
    }

    /// Exactly these TCP endpoints: a client of Vigie's own (Prometheus for the daily report) that the site
    /// names outside its checks.
    public init(tcp endpoints: [Endpoint]) {
        for endpoint in endpoints { declare(endpoint, transport: .tcp, resolve: nil) }
    }

    /// The endpoints of `checks` and `collectors`.
    public init(checks: [Check], collectors: [Collector] = []) {
        for check in checks {
            declare(check.endpoint, transport: check.transport, resolve: check.resolve)
        }
        for collector in collectors {
            declare(collector.url.endpoint, transport: .tcp, resolve: collector.resolve)
        }
    }

    private mutating func declare(_ endpoint: Endpoint, transport: Transport, resolve: IPAddress?) {
        let key = Key(host: endpoint.host, port: endpoint.port, transport: transport)
        // The first declaration that names an address wins, as in the file's order.
        if addresses[key] == nil || addresses[key]! == nil {
            addresses[key] = .some(resolve)
        }
    }

    /// Whether the site declares this endpoint.
    public func contains(_ endpoint: Endpoint, transport: Transport) -> Bool {
        addresses[Key(host: endpoint.host, port: endpoint.port, transport: transport)] != nil
    }

    /// Admits a declared endpoint.
    ///
    /// - Parameters:
    ///   - endpoint: The host and port to reach.
    ///   - transport: TCP or UDP.
    ///   - resolve: The address to connect to instead of DNS; when `nil`, the one declared for this
    ///     endpoint elsewhere in the site, if any.
    /// - Throws: ``UndeclaredTargetError`` when the endpoint is not in the site file.
    public func admit(
        _ endpoint: Endpoint,
        transport: Transport,
        resolve: IPAddress? = nil
    ) throws(UndeclaredTargetError) -> AdmittedEndpoint {
        guard let declared = addresses[Key(host: endpoint.host, port: endpoint.port, transport: transport)] else {
            throw UndeclaredTargetError(endpoint: endpoint, transport: transport)
        }
        return AdmittedEndpoint(endpoint: endpoint, transport: transport, connectAddress: resolve ?? declared)
    }

    /// The number of distinct endpoints declared.
    public var count: Int { addresses.count }
}

/// An endpoint the site file declares, cleared for probing.
public struct AdmittedEndpoint: Sendable, Hashable, CustomStringConvertible {
    public let endpoint: Endpoint
    public let transport: Transport
    /// Where to connect: the `resolve` address, or `nil` to resolve the host name.
    public let connectAddress: IPAddress?

    // fileprivate: only `Allowlist.admit` makes these.
    fileprivate init(endpoint: Endpoint, transport: Transport, connectAddress: IPAddress?) {
        self.endpoint = endpoint
        self.transport = transport
        self.connectAddress = connectAddress
    }

    public var description: String { "\(transport.rawValue)/\(endpoint)" }
}

/// A probe was asked to touch something the site file does not declare.
public struct UndeclaredTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    public var endpoint: Endpoint
    public var transport: Transport

    public var description: String {
        "refusing to probe \(transport.rawValue) \(endpoint): it is not declared in the site file (Vigie never scans)"
    }
}
