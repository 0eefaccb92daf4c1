import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import VigieCore

/// What one request got back.
struct HTTPExchange: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var bodyBytes: Int
    /// The body, when the caller asked for it (up to the limit).
    var body: [UInt8]
    /// The presented certificates, leaf first (https only).
    var peerChain: [Certificate]
    var tlsVersion: String?
    /// The answer was longer than the limit: reading stopped there, and `body` is incomplete.
    var truncated = false
}
