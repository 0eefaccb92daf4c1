@testable import VigieCore

/// A STUN answer from the network: decoding never traps, and a decoded mapped address is an address.
public func fuzzSTUN(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let transaction = bytes.count >= 20 ? Array(bytes[8..<20]) : Array(repeating: 0, count: 12)
    if case .success(let response) = STUNMessage.decodeResponse(bytes, transactionID: transaction) {
        _ = response
    }
    return 0
}
