/// The `alerting:` section: where Alertmanager sends what it does not hand to Vigie's webhook.
public struct AlertingSettings: Sendable, Hashable {
    /// The on-call address of the e-mail route; `nil`: alerts go to Vigie's webhook only.
    public var email: String?
    /// The SMTP relay Alertmanager submits through (`host:port`).
    public var smtpSmarthost: String
    /// The sender address of alert mails; default `alertmanager@<site domain>`.
    public var from: String?
    /// Whether Alertmanager must use STARTTLS towards the relay.
    public var smtpRequireTLS: Bool

    public static let defaultSmarthost = "localhost:25"

    public init(
        email: String? = nil,
        smtpSmarthost: String = AlertingSettings.defaultSmarthost,
        from: String? = nil,
        smtpRequireTLS: Bool = false
    ) {
        self.email = email
        self.smtpSmarthost = smtpSmarthost
        self.from = from
        self.smtpRequireTLS = smtpRequireTLS
    }
}
