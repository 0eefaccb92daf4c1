@testable import VigieCore

/// URLs and endpoints from a site file or a Location header: parsing never traps, and what parses
/// prints back to something that parses to the same.
public func fuzzURL(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    if case .success(let url) = HTTPURL.parse(text) {
        guard case .success(let again) = HTTPURL.parse(url.description) else {
            preconditionFailure("\(url) does not parse again")
        }
        precondition(again == url, "\(url) round-trips")
        _ = url.resolving(location: text)
    }
    if case .success(let endpoint) = Endpoint.parse(text, defaultPort: 443) {
        guard case .success(let again) = Endpoint.parse(endpoint.description, defaultPort: 443) else {
            preconditionFailure("\(endpoint)")
        }
        precondition(again == endpoint)
    }
    _ = IPAddress(text)
    return 0
}
