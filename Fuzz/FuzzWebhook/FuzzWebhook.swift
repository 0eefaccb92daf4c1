@testable import VigieCore

/// An Alertmanager webhook body: decoding never traps, and what it accepts has bounded labels.
public func fuzzWebhook(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if let payload = try? AlertmanagerPayload.decode(bytes) {
        for alert in payload.alerts { _ = alert }
    }
    return 0
}
