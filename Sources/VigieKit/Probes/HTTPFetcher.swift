import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOTLS
import SwiftASN1
import X509
import VigieCore

// One HTTP/1.1 request on its own connection (`Connection: close`), optionally over TLS.
//
// The TLS handshake accepts any certificate on purpose: the probe must *report* an expired or
// untrusted certificate, not just fail to connect. The chain the server presents is kept by
// `TLSCapture` and judged afterwards by `CertificateInspector` against the check's trust store.

/// Sends one request to an admitted endpoint and reads the answer, within a deadline.
enum HTTPFetcher {
    /// The most a probe or a collector reads of a body (Jitsi's largest `/metrics` pages are ~100 KiB).
    static let bodyLimit = 4 << 20
    static let userAgent = "vigie/\(Vigie.version) (passive check)"

    /// One TLS client context for every probe: verification is done by Vigie, not by the handshake.
    static let tlsContext: Result<NIOSSLContext, any Error> = Result {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .noHostnameVerification
        configuration.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: configuration)
    }

    /// Sends one GET and reads the answer.
    ///
    /// - Parameters:
    ///   - keepBody: Keep the body (collectors); probes only count its bytes.
    ///   - accept: The `Accept` header.
    static func fetch(
        _ url: HTTPURL,
        target: AdmittedEndpoint,
        deadline: ContinuousClock.Instant,
        keepBody: Bool = false,
        accept: String = "*/*",
        method: HTTPMethod = .GET,
        bodyLimit: Int = HTTPFetcher.bodyLimit
    ) async -> Result<HTTPExchange, HTTPExchangeFailure> {
        let capture = TLSCapture()
        var sslContext: NIOSSLContext?
        if url.scheme == .https {
            switch tlsContext {
            case .success(let context): sslContext = context
            case .failure(let error): return .failure(.tls("cannot set up TLS: \(error)"))
            }
        }
        let serverName: String? = if case .name(let name) = url.host { name } else { nil }
        let remaining = deadline - .now
        guard remaining > .zero else { return .failure(.timeout) }

        let connected = await Connector.connectTCP(target, timeout: remaining) { [sslContext] channel in
            channel.eventLoop.makeCompletedFuture {
                if let sslContext {
                    try capture.addHandlers(
                        to: channel.pipeline.syncOperations,
                        context: sslContext,
                        serverHostname: serverName
                    )
                }
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                let wrapped = try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                    wrappingChannelSynchronously: channel
                )
                return wrapped
            }
        }
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        switch connected {
        case .success(let opened): channel = opened
        case .failure(let failure): return .failure(.connect(failure))
        }

        var head = HTTPRequestHead(version: .http1_1, method: method, uri: url.requestTarget)
        if method == .POST { head.headers.add(name: "Content-Length", value: "0") }
        head.headers.add(name: "Host", value: url.hostHeader)
        head.headers.add(name: "User-Agent", value: userAgent)
        head.headers.add(name: "Accept", value: accept)
        head.headers.add(name: "Connection", value: "close")

        do {
            let response = try await channel.executeThenClose { inbound, outbound in
                try await ChannelDeadline.run(channel.channel, until: deadline) { [head] in
                    // A failed write (the TLS handshake failed, the server hung up) says less than
                    // what the inbound side reports, so it is only thrown when nothing better comes.
                    var writeError: (any Error)?
                    do {
                        try await outbound.write(.head(head))
                        try await outbound.write(.end(nil))
                    } catch {
                        writeError = error
                    }
                    var status: HTTPResponseHead?
                    var bodyBytes = 0
                    var body: [UInt8] = []
                    for try await part in inbound {
                        switch part {
                        case .head(let responseHead):
                            // 1xx interim answers are skipped; the final answer follows.
                            if responseHead.status.code >= 200 { status = responseHead }
                        case .body(let buffer):
                            if keepBody, status != nil {
                                body.append(contentsOf: buffer.readableBytesView.prefix(max(0, bodyLimit - bodyBytes)))
                            }
                            bodyBytes += buffer.readableBytes
                            if bodyBytes > bodyLimit { return (status, bodyBytes, body) }
                        case .end:
                            if status != nil { return (status, bodyBytes, body) }
                        }
                    }
                    if status == nil, let writeError { throw writeError }
                    return (status, bodyBytes, body)
                }
            }
            guard let (responseHead, bodyBytes, body) = response else { return .failure(.timeout) }
            guard let responseHead else {
                return .failure(.protocolError("connection closed before an HTTP answer"))
            }
            var chain: [Certificate] = []
            if sslContext != nil {
                chain = capture.chain.compactMap { certificate in
                    (try? certificate.toDERBytes()).flatMap { try? Certificate(derEncoded: $0) }
                }
            }
            return .success(
                HTTPExchange(
                    status: Int(responseHead.status.code),
                    headers: responseHead.headers,
                    bodyBytes: bodyBytes,
                    body: body,
                    peerChain: chain,
                    tlsVersion: capture.version.map(describe),
                    truncated: bodyBytes > bodyLimit
                )
            )
        } catch let error as NIOSSLError {
            return .failure(.tls("TLS handshake failed: \(describe(error))"))
        } catch let error as BoringSSLError {
            return .failure(.tls("TLS handshake failed: \(describe(error))"))
        } catch let error as HTTPParserError {
            return .failure(.protocolError("not an HTTP answer (\(error))"))
        } catch let error as IOError {
            return .failure(.connect(Connector.classify(errno: error.errnoCode, timeout: deadline - .now)))
        } catch {
            return .failure(.protocolError("\(error)"))
        }
    }

    static func describe(_ version: TLSVersion) -> String {
        switch version {
        case .tlsv1: return "TLSv1.0"
        case .tlsv11: return "TLSv1.1"
        case .tlsv12: return "TLSv1.2"
        case .tlsv13: return "TLSv1.3"
        }
    }

    static func describe(_ error: NIOSSLError) -> String {
        switch error {
        case .handshakeFailed(let inner): return describe(inner)
        case .uncleanShutdown: return "connection closed during the handshake"
        default: return "\(error)"
        }
    }

    /// BoringSSL's reason code (`WRONG_VERSION_NUMBER`), in words an administrator can act on.
    static func describe(_ error: BoringSSLError) -> String {
        let text = "\(error)"
        guard let marker = text.firstRange(of: "OPENSSL_internal:") else { return text }
        let reason = text[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        switch reason {
        case "WRONG_VERSION_NUMBER": return "the server does not speak TLS on this port"
        case "TLSV1_ALERT_PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL": return "no TLS version in common with the server"
        case "NO_SHARED_CIPHER", "SSLV3_ALERT_HANDSHAKE_FAILURE": return "no cipher suite in common with the server"
        default: return reason.lowercased().replacingAll("_", with: " ")
        }
    }
}
