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
    /// The networks SSH is open to; empty: SSH is closed at both firewalls.
    public var adminCIDRs: [IPNetwork]
    /// The site owner accepts hosting outside the EU/EEA and adequacy countries (RGPD chapter V),
    /// having put the required safeguards in place.
    public var acceptTransferOutsideEU: Bool
    /// The bundle's firewall starts with the media port closed; `media-port.sh open` opens it.
    public var mediaPortOnDemand: Bool = false
    /// Where provisioning fetches the vigie Debian package from (https, a `.deb`); `nil`: the
    /// administrator copies the package next to the bundle.
    public var vigiePackageURL: String?
    /// The SHA-256 (hex) the fetched package must have; required with `vigiePackageURL`.
    public var vigiePackageSHA256: String?

    public init(
        provider: Provider = .manual,
        region: String? = nil,
        publicAddress: IPAddress? = nil,
        adminCIDRs: [IPNetwork] = [],
        acceptTransferOutsideEU: Bool = false
    ) {
        self.provider = provider
        self.region = region
        self.publicAddress = publicAddress
        self.adminCIDRs = adminCIDRs
        self.acceptTransferOutsideEU = acceptTransferOutsideEU
    }
}
