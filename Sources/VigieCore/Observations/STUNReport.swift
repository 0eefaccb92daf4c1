/// What a stun probe saw.
public struct STUNReport: Sendable, Hashable {
    /// The reflexive transport address the server saw (XOR-MAPPED-ADDRESS).
    public var mappedAddress: String?
    /// The server's SOFTWARE attribute (a version leak worth knowing about).
    public var software: String?
    /// Round-trip time of the request that was answered.
    public var roundTrip: Duration?
    /// Requests sent, retransmissions included.
    public var requestsSent: Int

    public init(mappedAddress: String?, software: String?, roundTrip: Duration?, requestsSent: Int) {
        self.mappedAddress = mappedAddress
        self.software = software
        self.roundTrip = roundTrip
        self.requestsSent = requestsSent
    }
}
