/// What an xmpp probe saw.
public struct XMPPReport: Sendable, Hashable {
    /// The domain the server opened its stream for.
    public var streamFrom: String?
    public var startTLS: Bool
    public var startTLSRequired: Bool
    public var saslMechanisms: [String]
    public var features: [String]
    /// The stream error condition, when the server refused the stream.
    public var streamError: String?

    public init(
        streamFrom: String? = nil,
        startTLS: Bool = false,
        startTLSRequired: Bool = false,
        saslMechanisms: [String] = [],
        features: [String] = [],
        streamError: String? = nil
    ) {
        self.streamFrom = streamFrom
        self.startTLS = startTLS
        self.startTLSRequired = startTLSRequired
        self.saslMechanisms = saslMechanisms
        self.features = features
        self.streamError = streamError
    }
}
