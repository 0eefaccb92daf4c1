import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import VigieCore

enum HTTPExchangeFailure: Error, Sendable {
    case connect(ConnectFailure)
    case tls(String)
    case protocolError(String)
    case timeout
}
