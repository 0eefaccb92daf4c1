@testable import VigieCore
@testable import VigieRender

/// A site file: decoding never traps and never hangs (aliases are refused before they are composed);
/// what it accepts holds no control character in any name, and renders.
public func fuzzSiteFile(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: count), as: UTF8.self) else { return 0 }
    guard let site = try? SiteLoader.decode(yaml: text, file: "fuzz.yml", baseDirectory: "/etc/vigie") else { return 0 }
    precondition(PrintableText.firstForbidden(in: site.name) == nil, "a control character got past the loader")
    for check in site.checks { precondition(PrintableText.firstForbidden(in: check.name) == nil) }
    _ = try? BundleRenderer(site: site, siteFileText: text).render()
    return 0
}
