import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import VigieCore
@testable import VigieKit
@testable import VigieLogs
@testable import VigieRender

/// Certificates generated in memory, judged at a fixed time: no network, no clock.
@Suite struct CertificateInspectorTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    static let day: TimeInterval = 86_400

    struct Authority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name: DistinguishedName
        let certificate: Certificate

        init(name: String, notBefore: Date = now - 3650 * day, notAfter: Date = now + 3650 * day) throws {
            self.name = try DistinguishedName { CommonName(name) }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: self.name,
                subject: self.name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(keyCertSign: true))
                },
                issuerPrivateKey: key
            )
        }

        func issue(
            _ commonName: String,
            names: [GeneralName],
            notBefore: Date = now - 10 * day,
            notAfter: Date = now + 80 * day,
            selfSigned: Bool = false
        ) throws -> Certificate {
            let leafKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
            let subject = try DistinguishedName { CommonName(commonName) }
            return try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: leafKey.publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: selfSigned ? subject : name,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    SubjectAlternativeNames(names)
                },
                issuerPrivateKey: selfSigned ? leafKey : key
            )
        }
    }

    static func inspect(
        _ chain: [Certificate],
        host: String = "meet.example.org",
        roots: [Certificate]
    ) async throws -> TLSReport {
        try #require(
            await CertificateInspector.inspect(
                chain: chain,
                host: Host(host)!,
                roots: CertificateStore(roots),
                now: now,
                protocolVersion: "TLSv1.3"
            )
        )
    }

    @Test func acceptsAGoodChain() async throws {
        let ca = try Authority(name: "Test Root")
        let leaf = try ca.issue("meet.example.org", names: [.dnsName("meet.example.org")])
        let report = try await Self.inspect([leaf], roots: [ca.certificate])
        #expect(report.acceptable)
        #expect(report.problems.isEmpty)
        #expect(report.daysLeft == 80)
        #expect(report.issuer == "CN=Test Root")
        #expect(report.subject == "CN=meet.example.org")
        #expect(report.subjectAltNames == ["meet.example.org"])
        #expect(report.protocolVersion == "TLSv1.3")
    }

    @Test func followsAnIntermediate() async throws {
        let root = try Authority(name: "Root")
        let intermediateKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let intermediateName = try DistinguishedName { CommonName("Intermediate") }
        let intermediate = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: intermediateKey.publicKey,
            notValidBefore: Self.now - 100 * Self.day,
            notValidAfter: Self.now + 100 * Self.day,
            issuer: root.name,
            subject: intermediateName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: root.key
        )
        let leafKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let leaf = try Certificate(
            version: .v3,
            serialNumber: .init(),
            publicKey: leafKey.publicKey,
            notValidBefore: Self.now - Self.day,
            notValidAfter: Self.now + 30 * Self.day,
            issuer: intermediateName,
            subject: try DistinguishedName { CommonName("x") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectAlternativeNames([.dnsName("*.example.org")]) },
            issuerPrivateKey: intermediateKey
        )
        #expect(try await Self.inspect([leaf, intermediate], roots: [root.certificate]).acceptable)
        let missingIntermediate = try await Self.inspect([leaf], roots: [root.certificate])
        #expect(!missingIntermediate.chainOK)
        #expect(
            missingIntermediate.problems == [
                "certificate chain is not trusted (issuer CN=Intermediate is not in the trust store)"
            ]
        )
    }

    @Test func expiredButTrustedSaysExpired() async throws {
        let ca = try Authority(name: "Test Root")
        let leaf = try ca.issue(
            "meet.example.org",
            names: [.dnsName("meet.example.org")],
            notBefore: Self.now - 100 * Self.day,
            notAfter: Self.now - 3 * Self.day - 60
        )
        let report = try await Self.inspect([leaf], roots: [ca.certificate])
        #expect(report.chainOK, "trust is judged apart from time")
        #expect(report.hostnameOK)
        #expect(!report.timeValid)
        #expect(report.daysLeft == -3, "the same whole days as the message")
        #expect(report.problems == ["certificate expired 3 days ago (2026-11-15)"])
    }

    @Test func notYetValid() async throws {
        let ca = try Authority(name: "Test Root")
        let leaf = try ca.issue("m", names: [.dnsName("meet.example.org")], notBefore: Self.now + Self.day)
        let report = try await Self.inspect([leaf], roots: [ca.certificate])
        #expect(!report.timeValid)
        #expect(report.problems.first?.hasPrefix("certificate is not valid before 2026-11-19") == true)
    }

    @Test func wrongHostName() async throws {
        let ca = try Authority(name: "Test Root")
        let leaf = try ca.issue("other", names: [.dnsName("other.example.org"), .dnsName("www.example.org")])
        let report = try await Self.inspect([leaf], roots: [ca.certificate])
        #expect(report.chainOK)
        #expect(!report.hostnameOK)
        #expect(report.problems == ["certificate is for other.example.org, www.example.org, not meet.example.org"])
    }

    @Test func ipAddressTargetNeedsAnIPEntry() async throws {
        let ca = try Authority(name: "Test Root")
        let leaf = try ca.issue("ip", names: [.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
        #expect(try await Self.inspect([leaf], host: "127.0.0.1", roots: [ca.certificate]).hostnameOK)
        #expect(try await !Self.inspect([leaf], host: "127.0.0.2", roots: [ca.certificate]).hostnameOK)
    }

    @Test func selfSignedIsNotTrusted() async throws {
        let ca = try Authority(name: "Unrelated Root")
        let leaf = try ca.issue("meet.example.org", names: [.dnsName("meet.example.org")], selfSigned: true)
        let report = try await Self.inspect([leaf], roots: [ca.certificate])
        #expect(!report.chainOK)
        #expect(report.problems == ["self-signed certificate is not trusted"])
    }

    @Test func unknownIssuerIsNotTrusted() async throws {
        let ca = try Authority(name: "Private CA")
        let other = try Authority(name: "Public Root")
        let leaf = try ca.issue("meet.example.org", names: [.dnsName("meet.example.org")])
        let report = try await Self.inspect([leaf, ca.certificate], roots: [other.certificate])
        #expect(!report.chainOK)
        #expect(
            report.problems == ["certificate chain is not trusted (issuer CN=Private CA is not in the trust store)"]
        )
    }

    @Test func expiredCAIsReported() async throws {
        let ca = try Authority(name: "Old Root", notBefore: Self.now - 3000 * Self.day, notAfter: Self.now - Self.day)
        let leaf = try ca.issue("meet.example.org", names: [.dnsName("meet.example.org")])
        let report = try await Self.inspect([leaf], roots: [ca.certificate])
        #expect(!report.timeValid)
        #expect(report.problems == ["CA certificate CN=Old Root is outside its validity period"])
    }

    @Test func emptyChainHasNoReport() async {
        let report = await CertificateInspector.inspect(
            chain: [],
            host: .name("x.org"),
            roots: CertificateStore(),
            now: Self.now
        )
        #expect(report == nil)
    }

    @Test func systemStoreIsReadable() {
        guard case .success = TrustAnchors.store(caFile: nil) else {
            Issue.record("the system trust store must load")
            return
        }
        #expect(throws: TrustAnchors.LoadFailure.self) { try TrustAnchors.loadPEM(path: "/etc/hostname").get() }
    }
}
