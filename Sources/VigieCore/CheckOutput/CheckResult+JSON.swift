/// The machine form of a check result, documented in the README ("JSON output").
extension CheckResult {
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("service", .string(check.service)),
            ("check", .string(check.name)),
            ("kind", .string(check.kind.rawValue)),
            ("target", .string(check.targetDescription)),
            ("ok", .bool(ok)),
            ("verdict", .string(verdict.rawValue)),
            ("latency_ms", .optional(latency) { .number(($0.milliseconds * 1000).rounded() / 1000) }),
            ("error", .optional(error) { .string($0) }),
            ("warning", .optional(warning) { .string($0) }),
            ("started_at", .string(RFC3339.format(startedAt))),
        ]
        if let tcp { pairs.append(("tcp", .object([("state", .string(tcp.state.rawValue))]))) }
        if let http { pairs.append(("http", http.json)) }
        if let tls { pairs.append(("tls", tls.json)) }
        if let stun { pairs.append(("stun", stun.json)) }
        if let udp {
            pairs.append(
                (
                    "udp",
                    .object([("state", .string(udp.state.rawValue)), ("datagrams_sent", .integer(udp.datagramsSent))])
                )
            )
        }
        if case .xmpp(let xmppCheck) = check.target {
            var object: [(String, JSONValue)] = [("domain", .string(xmppCheck.domain))]
            if let xmpp { object += xmpp.jsonPairs }
            pairs.append(("xmpp", .object(object)))
        }
        return .object(pairs)
    }
}

extension HTTPReport {
    var json: JSONValue {
        .object([
            ("status", .integer(status)),
            ("hsts", .bool(hsts)),
            ("hsts_max_age", .optional(hstsMaxAge) { .integer($0) }),
            ("location", .optional(location) { .string($0) }),
            ("body_bytes", .integer(bodyBytes)),
            (
                "hops",
                .array(
                    hops.map { hop in
                        .object([
                            ("url", .string(hop.url)),
                            ("status", .integer(hop.status)),
                            ("location", .optional(hop.location) { .string($0) }),
                        ])
                    }
                )
            ),
        ])
    }
}

extension TLSReport {
    var json: JSONValue {
        .object([
            ("protocol", .optional(protocolVersion) { .string($0) }),
            ("subject", .string(subject)),
            ("issuer", .string(issuer)),
            ("subject_alt_names", .array(subjectAltNames.map { .string($0) })),
            ("not_before", .string(RFC3339.format(notBefore))),
            ("not_after", .string(RFC3339.format(notAfter))),
            ("days_left", .integer(daysLeft)),
            ("chain_ok", .bool(chainOK)),
            ("hostname_ok", .bool(hostnameOK)),
            ("time_valid", .bool(timeValid)),
        ])
    }
}

extension STUNReport {
    var json: JSONValue {
        .object([
            ("mapped_address", .optional(mappedAddress) { .string($0) }),
            ("software", .optional(software) { .string($0) }),
            ("rtt_ms", .optional(roundTrip) { .number(($0.milliseconds * 1000).rounded() / 1000) }),
            ("requests_sent", .integer(requestsSent)),
        ])
    }
}

extension XMPPReport {
    var jsonPairs: [(String, JSONValue)] {
        [
            ("stream_from", .optional(streamFrom) { .string($0) }),
            ("starttls", .bool(startTLS)),
            ("starttls_required", .bool(startTLSRequired)),
            ("sasl_mechanisms", .array(saslMechanisms.map { .string($0) })),
            ("features", .array(features.map { .string($0) })),
            ("stream_error", .optional(streamError) { .string($0) }),
        ]
    }
}
