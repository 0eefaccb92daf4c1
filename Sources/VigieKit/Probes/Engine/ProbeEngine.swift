import Synchronization
public import struct Foundation.Date
public import VigieCore

/// Runs checks: each through its probe, every target through the allowlist, with bounded concurrency.
public struct ProbeEngine: Sendable {
    public var context: ProbeContext
    /// How many probes may run at once.
    public var concurrency: Int

    public static let defaultConcurrency = 16

    /// An engine that may probe exactly the endpoints `site` declares.
    public init(
        site: Site,
        concurrency: Int = ProbeEngine.defaultConcurrency,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            context: ProbeContext(allowlist: Allowlist(site: site), trust: TrustStores(site: site), now: now),
            concurrency: concurrency
        )
    }

    public init(context: ProbeContext, concurrency: Int = ProbeEngine.defaultConcurrency) {
        self.context = context
        self.concurrency = max(1, concurrency)
    }

    /// Runs one check. A target that is down is a failed result, never an error.
    ///
    /// - Throws: ``UndeclaredTargetError`` when the check's endpoint is not in the allowlist.
    public func run(_ check: Check) async throws(UndeclaredTargetError) -> CheckResult {
        let target = try context.allowlist.admit(check.endpoint, transport: check.transport, resolve: check.resolve)
        Connector.probesInFlight.add(1, ordering: .relaxed)
        defer { Connector.probesInFlight.subtract(1, ordering: .relaxed) }
        switch check.target {
        case .tcp: return await TCPProbe().run(check, target: target, context: context)
        case .udp: return await UDPProbe().run(check, target: target, context: context)
        case .stun: return await STUNProbe().run(check, target: target, context: context)
        case .http(let http): return await HTTPProbe().run(check, http: http, target: target, context: context)
        case .xmpp(let xmpp): return await XMPPProbe().run(check, xmpp: xmpp, target: target, context: context)
        }
    }

    /// Runs checks with at most ``concurrency`` in flight; results come back in the order of `checks`.
    ///
    /// - Throws: ``UndeclaredTargetError`` before anything is sent if any check is undeclared.
    public func run(_ checks: [Check]) async throws(UndeclaredTargetError) -> [CheckResult] {
        for check in checks {
            _ = try context.allowlist.admit(check.endpoint, transport: check.transport, resolve: check.resolve)
        }
        var results = [CheckResult?](repeating: nil, count: checks.count)
        await withTaskGroup(of: (Int, CheckResult?).self) { group in
            var next = 0
            func startNext() {
                guard next < checks.count else { return }
                let index = next
                next += 1
                group.addTask { (index, try? await self.run(checks[index])) }
            }
            for _ in 0..<min(concurrency, checks.count) { startNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                startNext()
            }
        }
        return results.compactMap { $0 }
    }
}
