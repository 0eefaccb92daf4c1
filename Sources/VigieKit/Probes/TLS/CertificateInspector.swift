import Foundation
import SwiftASN1
public import VigieCore
@_spi(DisableValidityCheck) import X509

// Certificate judgement, kept apart from the socket that fetched the chain so that it can be
// tested with generated certificates and a fixed clock.
//
// Trust and time are judged separately: the chain is first built and checked with the validity
// period switched off, then every certificate of that chain is compared with `now`. An expired but
// otherwise good certificate therefore reports `chain_ok: true` with a negative `days_left`, which is
// what an administrator needs to know (renew it; the CA is fine).

/// Judges a presented certificate chain: trust, host name, validity period.
public enum CertificateInspector {
    /// Inspects the chain a server presented.
    ///
    /// - Parameters:
    ///   - chain: The certificates as presented, leaf first.
    ///   - host: The host the client asked for.
    ///   - roots: The trusted roots.
    ///   - now: The time to judge validity at.
    ///   - protocolVersion: The negotiated TLS version, passed through to the report.
    /// - Returns: the report, or `nil` when the chain is empty.
    static func inspect(
        chain: [Certificate],
        host: Host,
        roots: CertificateStore,
        now: Date,
        protocolVersion: String? = nil
    ) async -> TLSReport? {
        guard let leaf = chain.first else { return nil }

        var dnsNames: [String] = []
        var ipAddresses: [IPAddress] = []
        if let names = try? leaf.extensions.subjectAlternativeNames {
            for name in names {
                switch name {
                case .dnsName(let dns): dnsNames.append(dns)
                case .ipAddress(let octets):
                    if let address = IPAddress(bytes: Array(octets.bytes)) { ipAddresses.append(address) }
                default: break
                }
            }
        }

        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy.withValidityCheckDisabled() }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(chain.dropFirst()))
        var validatedChain: [Certificate] = [leaf]
        let chainOK: Bool
        if case .validCertificate(let validated) = result {
            chainOK = true
            validatedChain = Array(validated)
        } else {
            chainOK = false
        }

        var problems: [String] = []
        // Whole days, toward zero either side of the expiry: 3.2 days after it is -3, as "expired 3 days ago" says.
        let daysLeft = Int((leaf.notValidAfter.timeIntervalSince(now) / 86_400).rounded(.towardZero))
        var timeValid = true
        if leaf.notValidAfter < now {
            timeValid = false
            problems.append("certificate expired \(ago(leaf.notValidAfter, now: now)) (\(day(leaf.notValidAfter)))")
        } else if leaf.notValidBefore > now {
            timeValid = false
            problems.append("certificate is not valid before \(day(leaf.notValidBefore))")
        }
        for certificate in validatedChain.dropFirst()
        where certificate.notValidAfter < now || certificate.notValidBefore > now {
            timeValid = false
            problems.append("CA certificate \(certificate.subject) is outside its validity period")
        }

        let hostnameOK = HostnameMatcher.matches(host, dnsNames: dnsNames, ipAddresses: ipAddresses)
        if !hostnameOK {
            let names = (dnsNames + ipAddresses.map(\.description))
            problems.append(
                names.isEmpty
                    ? "certificate has no subjectAltName for \(host.bare)"
                    : "certificate is for \(names.joined(separator: ", ")), not \(host.bare)"
            )
        }
        if !chainOK {
            if leaf.subject == leaf.issuer {
                problems.append("self-signed certificate is not trusted")
            } else {
                problems.append("certificate chain is not trusted (issuer \(leaf.issuer) is not in the trust store)")
            }
        }

        return TLSReport(
            protocolVersion: protocolVersion,
            subject: leaf.subject.description,
            issuer: leaf.issuer.description,
            subjectAltNames: dnsNames + ipAddresses.map(\.description),
            notBefore: leaf.notValidBefore,
            notAfter: leaf.notValidAfter,
            daysLeft: daysLeft,
            chainOK: chainOK,
            hostnameOK: hostnameOK,
            timeValid: timeValid,
            problems: problems
        )
    }

    static func ago(_ date: Date, now: Date) -> String {
        let days = Int((now.timeIntervalSince(date) / 86_400).rounded(.down))
        switch days {
        case 0: return "less than a day ago"
        case 1: return "1 day ago"
        default: return "\(days) days ago"
        }
    }

    static func day(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day())
    }
}
