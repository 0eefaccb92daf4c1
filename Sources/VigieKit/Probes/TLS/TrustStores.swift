public import VigieCore
public import X509

/// The roots each `ca` file of a site adds to the system's, read and parsed once when the site is
/// loaded (at start and on each reload), not on every probe run.
///
/// A file that cannot be used keeps its failure until the next reload: the checks that name it fail
/// with it. A store made from a site reads no other path; one made without a site (`init()`, for a
/// context with no check of its own) reads a `ca` file when asked.
public struct TrustStores: Sendable {
    private var stores: [String: Result<CertificateStore, TrustAnchors.LoadFailure>] = [:]
    /// Made from a site: its files only.
    private var fromSite = false

    /// No `ca` file loaded ahead: each is read when a probe asks for it.
    public init() {}

    /// Every distinct `ca` file of the site's checks: the bytes read when the site was resolved
    /// (``VigieCore/Site/caFileContents``), parsed now; a file the site was not resolved with is read now.
    public init(site: Site) {
        fromSite = true
        for path in site.checks.compactMap({ $0.ca?.local }) where stores[path] == nil {
            if let bytes = site.caFileContents[path] {
                stores[path] = TrustAnchors.store(pem: bytes, path: path)
            } else {
                stores[path] = TrustAnchors.store(caFile: path)
            }
        }
    }

    /// The roots for a check: the system store, plus its `ca` file's certificates.
    public func store(caFile: String?) -> Result<CertificateStore, TrustAnchors.LoadFailure> {
        guard let caFile else { return TrustAnchors.store(caFile: nil) }
        if let loaded = stores[caFile] { return loaded }
        guard !fromSite else {
            return .failure(TrustAnchors.LoadFailure(description: "CA file \(caFile) is not one of the site's"))
        }
        return TrustAnchors.store(caFile: caFile)
    }

    /// How many `ca` files were loaded ahead.
    public var count: Int { stores.count }
}
