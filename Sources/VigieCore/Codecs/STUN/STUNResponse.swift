/// A decoded Binding answer.
public struct STUNResponse: Sendable, Hashable {
    public struct MappedAddress: Sendable, Hashable, CustomStringConvertible {
        public var address: IPAddress
        public var port: Int

        public var description: String {
            address.family == .v6 ? "[\(address)]:\(port)" : "\(address):\(port)"
        }
    }

    public struct ErrorCode: Sendable, Hashable {
        public var code: Int
        public var reason: String
    }

    /// A Binding Success (true) or Binding Error (false) response.
    public var isSuccess: Bool
    public var xorMappedAddress: MappedAddress?
    public var mappedAddress: MappedAddress?
    public var software: String?
    public var error: ErrorCode?
    /// Whether a FINGERPRINT attribute was present and correct.
    public var fingerprintChecked = false

    public init(isSuccess: Bool) {
        self.isSuccess = isSuccess
    }

    /// The reflexive address: XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from an RFC 3489 server.
    public var address: MappedAddress? { xorMappedAddress ?? mappedAddress }
}
