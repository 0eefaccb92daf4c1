import VigieCore

/// A STUN Binding transaction (RFC 5389) against a STUN/TURN server such as coturn.

struct STUNProbe: Sendable {
    var retransmission = STUNRetransmission()

    func run(_ check: Check, target: AdmittedEndpoint, context: ProbeContext) async -> CheckResult {
        var result = CheckResult(check: check, verdict: .pass, startedAt: context.now())
        let transactionID = context.transactionID()
        let request = STUNMessage.bindingRequest(transactionID: transactionID)
        let outcome = await DatagramExchange.run(
            target,
            payload: request,
            sendOffsets: retransmission.sendOffsets(within: check.timeout),
            timeout: check.timeout,
            rejection: { bytes in
                switch STUNMessage.decodeResponse(bytes, transactionID: transactionID) {
                case .success: return nil
                case .failure(let error): return error.description
                }
            }
        )
        switch outcome {
        case .answered(let bytes, let roundTrip, let sent):
            guard case .success(let response) = STUNMessage.decodeResponse(bytes, transactionID: transactionID) else {
                result.fail("malformed STUN answer")
                return result
            }
            result.latency = roundTrip
            result.stun = STUNReport(
                mappedAddress: response.address?.description,
                software: response.software,
                roundTrip: roundTrip,
                requestsSent: sent
            )
            if let error = response.error, !response.isSuccess {
                result.fail("STUN error \(error.code) \(error.reason)")
            }
        case .silence(let sent, let rejected):
            result.stun = STUNReport(mappedAddress: nil, software: nil, roundTrip: nil, requestsSent: sent)
            if let first = rejected.first {
                result.fail("no valid STUN answer in \(DurationText.format(check.timeout)) (\(first))")
            } else {
                result.fail("no STUN answer in \(DurationText.format(check.timeout))")
            }
        case .refused(let sent):
            result.stun = STUNReport(mappedAddress: nil, software: nil, roundTrip: nil, requestsSent: sent)
            result.fail("port closed (ICMP port unreachable)")
        case .failed(let failure, let sent):
            result.stun = STUNReport(mappedAddress: nil, software: nil, roundTrip: nil, requestsSent: sent)
            result.fail(failure.reason)
        }
        return result
    }
}
