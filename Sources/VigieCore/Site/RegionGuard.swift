/// Where a provider's region keeps the data, judged against RGPD chapter V (transfers).
///
/// The EU/EEA needs no transfer tool; a country with an adequacy decision of the European
/// Commission (article 45) is treated like it. Anywhere else — the United States included, whose
/// Data Privacy Framework covers certified companies, not the country — is a transfer that the
/// site file must accept explicitly (`hosting.accept_transfer_outside_eu: true`), after the
/// safeguards of articles 46–49 are in place.
public enum RegionGuard {
    public enum Standing: Sendable, Hashable {
        /// Inside the EU or the EEA.
        case insideEEA(country: String)
        /// Outside, in a country with an adequacy decision.
        case adequacy(country: String)
        /// Outside the EEA with no adequacy decision.
        case transfer(country: String)
        /// A region this table does not know.
        case unknown
    }

    /// Google Cloud regions by country.
    static let gcp: [String: (country: String, standing: Kind)] = [
        "europe-west1": ("Belgium", .eea), "europe-west3": ("Germany", .eea), "europe-west4": ("Netherlands", .eea),
        "europe-west8": ("Italy", .eea), "europe-west9": ("France", .eea), "europe-west10": ("Germany", .eea),
        "europe-west12": ("Italy", .eea), "europe-north1": ("Finland", .eea), "europe-north2": ("Sweden", .eea),
        "europe-central2": ("Poland", .eea), "europe-southwest1": ("Spain", .eea),
        "europe-west2": ("United Kingdom", .adequacy), "europe-west6": ("Switzerland", .adequacy),
        "northamerica-northeast1": ("Canada", .adequacy), "northamerica-northeast2": ("Canada", .adequacy),
        "asia-northeast1": ("Japan", .adequacy), "asia-northeast2": ("Japan", .adequacy),
        "asia-northeast3": ("South Korea", .adequacy), "me-west1": ("Israel", .adequacy),
        "us-central1": ("United States", .transfer), "us-east1": ("United States", .transfer),
        "us-east4": ("United States", .transfer), "us-east5": ("United States", .transfer),
        "us-south1": ("United States", .transfer), "us-west1": ("United States", .transfer),
        "us-west2": ("United States", .transfer), "us-west3": ("United States", .transfer),
        "us-west4": ("United States", .transfer), "northamerica-south1": ("Mexico", .transfer),
        "southamerica-east1": ("Brazil", .transfer), "southamerica-west1": ("Chile", .transfer),
        "asia-east1": ("Taiwan", .transfer), "asia-east2": ("Hong Kong", .transfer),
        "asia-south1": ("India", .transfer), "asia-south2": ("India", .transfer),
        "asia-southeast1": ("Singapore", .transfer), "asia-southeast2": ("Indonesia", .transfer),
        "australia-southeast1": ("Australia", .transfer), "australia-southeast2": ("Australia", .transfer),
        "me-central1": ("Qatar", .transfer), "me-central2": ("Saudi Arabia", .transfer),
        "africa-south1": ("South Africa", .transfer),
    ]

    /// Infomaniak Public Cloud regions (OpenStack), all in Switzerland.
    static let infomaniak: [String: (country: String, standing: Kind)] = [
        "dc3-a": ("Switzerland", .adequacy), "dc4-a": ("Switzerland", .adequacy),
    ]

    enum Kind { case eea, adequacy, transfer }

    public static func standing(provider: Hosting.Provider, region: String) -> Standing {
        let table: [String: (country: String, standing: Kind)]
        switch provider {
        case .gcp: table = gcp
        case .infomaniak: table = infomaniak
        case .manual: return .unknown
        }
        guard let entry = table[region] else { return .unknown }
        switch entry.standing {
        case .eea: return .insideEEA(country: entry.country)
        case .adequacy: return .adequacy(country: entry.country)
        case .transfer: return .transfer(country: entry.country)
        }
    }

    /// The regions the table knows for `provider`, sorted.
    public static func knownRegions(_ provider: Hosting.Provider) -> [String] {
        switch provider {
        case .gcp: gcp.keys.sorted()
        case .infomaniak: infomaniak.keys.sorted()
        case .manual: []
        }
    }

    /// Why the location is acceptable, in the site's language, for the bundle's README; or the
    /// reason it is refused (`nil` accepted). `accepted` is `hosting.accept_transfer_outside_eu`.
    public static func judge(_ hosting: Hosting) -> Result<String, RegionRefusal> {
        guard hosting.provider != .manual else {
            return .success(
                "provider manual: the host's location is not known to Vigie; the site owner checks it is in the EU/EEA or a country with an adequacy decision (RGPD art. 44–45)"
            )
        }
        guard let region = hosting.region else {
            return .failure(
                RegionRefusal(
                    message:
                        "hosting.region is required with provider \(hosting.provider.rawValue): the location decides whether RGPD chapter V applies"
                )
            )
        }
        switch standing(provider: hosting.provider, region: region) {
        case .insideEEA(let country):
            return .success(
                "\(hosting.provider.rawValue) region \(region) is in \(country), inside the EU/EEA: no transfer (RGPD chapter V does not apply)"
            )
        case .adequacy(let country):
            return .success(
                "\(hosting.provider.rawValue) region \(region) is in \(country), which has an adequacy decision of the European Commission (RGPD art. 45): a transfer that needs no further tool"
            )
        case .transfer(let country):
            if hosting.acceptTransferOutsideEU {
                return .success(
                    "\(hosting.provider.rawValue) region \(region) is in \(country), outside the EU/EEA with no adequacy decision: a transfer under RGPD chapter V, accepted in the site file (hosting.accept_transfer_outside_eu) — the safeguards of art. 46–49 are the site owner's to document"
                )
            }
            return .failure(
                RegionRefusal(
                    message:
                        "region \(region) is in \(country), outside the EU/EEA with no adequacy decision (RGPD chapter V); choose an EU region or set hosting.accept_transfer_outside_eu: true once the safeguards (art. 46–49) are in place"
                )
            )
        case .unknown:
            if hosting.acceptTransferOutsideEU {
                return .success(
                    "\(hosting.provider.rawValue) region \(region) is not in Vigie's table of regions; the site file accepts a transfer outside the EU/EEA (hosting.accept_transfer_outside_eu)"
                )
            }
            let known = knownRegions(hosting.provider)
            return .failure(
                RegionRefusal(
                    message:
                        "unknown \(hosting.provider.rawValue) region \"\(region)\": Vigie cannot tell whether it is in the EU/EEA (known: \(known.joined(separator: ", "))); set hosting.accept_transfer_outside_eu: true only if you have checked it and documented the transfer"
                )
            )
        }
    }

    public struct RegionRefusal: Error, Sendable, Hashable {
        public var message: String
    }
}
