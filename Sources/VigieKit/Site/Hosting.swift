/// Where the Jitsi host runs.
public struct Hosting: Sendable, Hashable {
    /// The cloud (or none) that hosts the VM.
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        case gcp
        case infomaniak
        case manual
    }

    public var provider: Provider
    /// The provider's region name (`europe-west9`, `dc4-a`), when there is one.
    public var region: String?
    /// The VM's public address, when known.
    public var publicAddress: IPAddress?

    public init(provider: Provider = .manual, region: String? = nil, publicAddress: IPAddress? = nil) {
        self.provider = provider
        self.region = region
        self.publicAddress = publicAddress
    }
}
