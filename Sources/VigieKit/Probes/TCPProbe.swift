import NIOCore
import VigieCore

/// `nc -vz host port`: connect, then close. Nothing is sent.
struct TCPProbe: Sendable {
    func run(_ check: Check, target: AdmittedEndpoint, context: ProbeContext) async -> CheckResult {
        var result = CheckResult(check: check, verdict: .pass, startedAt: context.now())
        let start = ContinuousClock.now
        let connected = await Connector.connectTCP(target, timeout: check.timeout) { channel in
            channel.eventLoop.makeSucceededFuture(channel)
        }
        switch connected {
        case .success(let channel):
            result.latency = .now - start
            result.tcp = TCPReport(state: .open)
            try? await channel.close()
        case .failure(let failure):
            result.tcp = TCPReport(state: failure.state)
            result.fail(failure.reason)
        }
        return result
    }
}
