import NIOCore
import NIOPosix
import VigieCore

// One UDP exchange on a *connected* socket. Connecting the socket is what makes the kernel hand
// back an ICMP "port unreachable" as ECONNREFUSED on the next receive, which is the only thing
// that tells a closed UDP port from a silent one. NIO reports that errno through errorCaught
// without closing datagram channels, so it ends the inbound stream with the error.

enum DatagramExchange {
    /// Sends `payload` at each offset of `sendOffsets` until an acceptable answer, an ICMP error or the deadline.
    ///
    /// - Parameters:
    ///   - target: The admitted UDP endpoint.
    ///   - payload: The datagram to send (the same bytes each time: a retransmission).
    ///   - sendOffsets: When to send, from the start.
    ///   - timeout: The whole budget.
    ///   - rejection: Returns `nil` to accept a datagram, or why it is not an answer.
    static func run(
        _ target: AdmittedEndpoint,
        payload: [UInt8],
        sendOffsets: [Duration],
        timeout: Duration,
        rejection: @escaping @Sendable ([UInt8]) -> String?
    ) async -> DatagramOutcome {
        precondition(target.transport == .udp)
        let start = ContinuousClock.now
        let deadline = start + timeout
        let remote: SocketAddress
        switch await Connector.resolve(target) {
        case .success(let address): remote = address
        case .failure(let failure): return .failed(failure, sent: 0)
        }
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        do {
            channel = try await DatagramBootstrap(group: Connector.loop)
                .connect(to: remote) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
        } catch {
            return .failed(Connector.classify(error, target: target, timeout: timeout), sent: 0)
        }

        let state = ExchangeState()
        do {
            return try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: DatagramOutcome?.self) { group in
                    // Sender: the retransmission schedule.
                    group.addTask {
                        for offset in sendOffsets {
                            try await Task.sleep(until: start + offset, clock: .continuous)
                            await state.willSend()
                            do {
                                try await outbound.write(
                                    AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: payload))
                                )
                            } catch let error as IOError {
                                // The ICMP error can surface on a send as well.
                                return Self.outcome(errno: error.errnoCode, sent: await state.sent, timeout: timeout)
                            } catch is ChannelError {
                                // The channel closed under the sender (the ICMP error closed it): the receiver,
                                // which holds that error, says what happened.
                                return nil
                            }
                        }
                        return nil
                    }
                    // Receiver: the first acceptable datagram, or the ICMP error.
                    group.addTask {
                        do {
                            for try await envelope in inbound {
                                let bytes = Array(envelope.data.readableBytesView)
                                if let reason = rejection(bytes) {
                                    await state.reject(reason)
                                    continue
                                }
                                let roundTrip = ContinuousClock.now - (await state.lastSend ?? start)
                                return .answered(bytes: bytes, roundTrip: roundTrip, sent: await state.sent)
                            }
                        } catch let error as IOError {
                            return Self.outcome(errno: error.errnoCode, sent: await state.sent, timeout: timeout)
                        }
                        return nil
                    }
                    group.addTask {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        return .silence(sent: await state.sent, rejected: await state.rejected)
                    }
                    defer { group.cancelAll() }
                    while let next = try await group.next() {
                        if let outcome = next { return outcome }
                    }
                    return .silence(sent: await state.sent, rejected: await state.rejected)
                }
            }
        } catch let error as IOError {
            // A send can fail too once the ICMP error is queued on the socket.
            return Self.outcome(errno: error.errnoCode, sent: await state.sent, timeout: timeout)
        } catch {
            return .failed(ConnectFailure(state: .error, reason: "\(error)"), sent: await state.sent)
        }
    }

    static func outcome(errno code: Int32, sent: Int, timeout: Duration) -> DatagramOutcome {
        let failure = Connector.classify(errno: code, timeout: timeout)
        return failure.state == .refused ? .refused(sent: sent) : .failed(failure, sent: sent)
    }
}

/// Counters shared by the sender and receiver tasks of one exchange.
private actor ExchangeState {
    var sent = 0
    var lastSend: ContinuousClock.Instant?
    var rejected: [String] = []

    func willSend() {
        sent += 1
        lastSend = .now
    }

    func reject(_ reason: String) {
        if rejected.count < 5 { rejected.append(reason) }
    }
}
