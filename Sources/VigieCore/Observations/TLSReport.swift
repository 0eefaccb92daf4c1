public import struct Foundation.Date

/// What an https probe learnt about the server's TLS session and certificate.
public struct TLSReport: Sendable, Hashable {
    /// The negotiated protocol (`TLSv1.3`), when the handshake completed.
    public var protocolVersion: String?
    /// The leaf certificate's subject, RFC 4514 (`CN=meet.example.org`).
    public var subject: String
    /// The leaf certificate's issuer, RFC 4514.
    public var issuer: String
    /// DNS names and IP addresses of the subjectAltName extension.
    public var subjectAltNames: [String]
    public var notBefore: Date
    public var notAfter: Date
    /// Whole days until `notAfter` (negative once expired).
    public var daysLeft: Int
    /// Whether the presented chain leads to a trusted root (system store plus the check's `ca`).
    public var chainOK: Bool
    /// Whether the leaf certificate names the host that was asked for.
    public var hostnameOK: Bool
    /// Whether every certificate of the chain is inside its validity period now.
    public var timeValid: Bool
    /// Why the certificate is not acceptable, in order of importance; empty when it is.
    public var problems: [String]

    public init(
        protocolVersion: String? = nil,
        subject: String,
        issuer: String,
        subjectAltNames: [String],
        notBefore: Date,
        notAfter: Date,
        daysLeft: Int,
        chainOK: Bool,
        hostnameOK: Bool,
        timeValid: Bool,
        problems: [String]
    ) {
        self.protocolVersion = protocolVersion
        self.subject = subject
        self.issuer = issuer
        self.subjectAltNames = subjectAltNames
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.daysLeft = daysLeft
        self.chainOK = chainOK
        self.hostnameOK = hostnameOK
        self.timeValid = timeValid
        self.problems = problems
    }

    /// Whether a browser would accept this certificate for the host.
    public var acceptable: Bool { chainOK && hostnameOK && timeValid }
}
