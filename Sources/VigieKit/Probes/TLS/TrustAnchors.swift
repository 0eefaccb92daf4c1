import Foundation
import SwiftASN1
public import X509
import VigieCore

/// Loads the certificates a check trusts: the system store plus the check's own `ca` file.
public enum TrustAnchors {
    /// Why a `ca` file cannot be used.
    public struct LoadFailure: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Reads every certificate of a PEM file.
    ///
    /// - Returns: the certificates, or a failure when the file is unreadable or holds none.
    public static func loadPEM(path: String) -> Result<[Certificate], LoadFailure> {
        switch HostFileReader.readRegularFile(path, limit: Site.caFileLimit) {
        case .success(let bytes): return parsePEM(String(decoding: bytes, as: UTF8.self), path: path)
        case .failure(let why): return .failure(LoadFailure(description: "cannot read CA file \(path): \(why)"))
        }
    }

    /// Every certificate of a PEM text read from `path`.
    public static func parsePEM(_ text: String, path: String) -> Result<[Certificate], LoadFailure> {
        do {
            let certificates = try PEMDocument.parseMultiple(pemString: text)
                .filter { $0.discriminator == "CERTIFICATE" }
                .map { try Certificate(pemDocument: $0) }
            guard !certificates.isEmpty else {
                return .failure(LoadFailure(description: "CA file \(path) contains no PEM certificate"))
            }
            return .success(certificates)
        } catch {
            return .failure(LoadFailure(description: "CA file \(path) is not valid PEM: \(error)"))
        }
    }

    /// The roots to validate against: the system store, plus the certificates of `caFile`.
    public static func store(caFile: String?, includeSystem: Bool = true) -> Result<CertificateStore, LoadFailure> {
        var store = includeSystem ? CertificateStore.systemTrustRoots : CertificateStore()
        if let caFile {
            switch loadPEM(path: caFile) {
            case .success(let extra): store.append(contentsOf: extra)
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(store)
    }

    /// The roots to validate against: the system store, plus the certificates of a PEM file's bytes
    /// already read from `path`.
    public static func store(pem bytes: [UInt8], path: String) -> Result<CertificateStore, LoadFailure> {
        var store = CertificateStore.systemTrustRoots
        switch parsePEM(String(decoding: bytes, as: UTF8.self), path: path) {
        case .success(let extra): store.append(contentsOf: extra)
        case .failure(let failure): return .failure(failure)
        }
        return .success(store)
    }
}
