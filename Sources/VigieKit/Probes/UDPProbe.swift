import VigieCore

/// Closed-port detection for a UDP service that does not answer strangers (Jitsi Videobridge's 10000/udp).
///
/// It sends a STUN Binding Request (harmless to any media server) on a connected socket, and
/// retransmits it. ICMP port unreachable means *closed* (fail); silence means *open or filtered*
/// (pass, and reported as exactly that); an answer means *open*.

struct UDPProbe: Sendable {
    var retransmission = STUNRetransmission()

    func run(_ check: Check, target: AdmittedEndpoint, context: ProbeContext) async -> CheckResult {
        var result = CheckResult(check: check, verdict: .pass, startedAt: context.now())
        let request = STUNMessage.bindingRequest(transactionID: context.transactionID())
        let outcome = await DatagramExchange.run(
            target,
            payload: request,
            sendOffsets: retransmission.sendOffsets(within: check.timeout),
            timeout: check.timeout,
            rejection: { _ in nil }
        )
        switch outcome {
        case .answered(_, let roundTrip, let sent):
            result.latency = roundTrip
            result.udp = UDPReport(state: .open, datagramsSent: sent)
        case .silence(let sent, _):
            result.udp = UDPReport(state: .openOrFiltered, datagramsSent: sent)
        case .refused(let sent):
            result.udp = UDPReport(state: .closed, datagramsSent: sent)
            result.fail("port closed (ICMP port unreachable)")
        case .failed(let failure, let sent):
            let state: UDPReport.State =
                switch failure.state {
                case .unreachable: .unreachable
                case .unresolved: .unresolved
                default: .error
                }
            result.udp = UDPReport(state: state, datagramsSent: sent)
            result.fail(failure.reason)
        }
        return result
    }
}
