public import VigieCore
public import X509

/// The roots each `ca` file of a site adds to the system's, read and parsed once when the site is
/// loaded (at start and on each reload), not on every probe run.
///
/// A file that cannot be used keeps its failure: the checks that name it fail with it, as the loader
/// said at start. A `ca` path the site did not name (a context made without the site) is read when
/// asked.
public struct TrustStores: Sendable {
    private var stores: [String: Result<CertificateStore, TrustAnchors.LoadFailure>] = [:]

    /// No `ca` file loaded ahead: each is read when a probe asks for it.
    public init() {}

    /// Every distinct `ca` file of the site's checks, read and parsed now.
    public init(site: Site) {
        for path in site.checks.compactMap({ $0.ca?.local }) where stores[path] == nil {
            stores[path] = TrustAnchors.store(caFile: path)
        }
    }

    /// The roots for a check: the system store, plus its `ca` file's certificates.
    public func store(caFile: String?) -> Result<CertificateStore, TrustAnchors.LoadFailure> {
        guard let caFile else { return TrustAnchors.store(caFile: nil) }
        return stores[caFile] ?? TrustAnchors.store(caFile: caFile)
    }

    /// How many `ca` files were loaded ahead.
    public var count: Int { stores.count }
}
