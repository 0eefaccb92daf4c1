import Testing

@testable import VigieCore
import VigieTestSupport

@Suite struct STUNMessageTests {
    /// RFC 5769 §2.1–2.3: the transaction id of the sample messages.
    static let rfcTransactionID: [UInt8] = [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae]

    /// RFC 5769 §2.2, "Sample IPv4 Response" (SOFTWARE, XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT).
    static let rfcIPv4Response: [UInt8] = [
        0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
        0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
        0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
        0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
        0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
    ]

    /// RFC 5769 §2.3, "Sample IPv6 Response".
    static let rfcIPv6Response: [UInt8] = [
        0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
        0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
        0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
        0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
        0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
        0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
    ]

    @Test func bindingRequestHeader() {
        let request = STUNMessage.bindingRequest(transactionID: Self.rfcTransactionID)
        #expect(request.count == 20)
        #expect(Array(request[0..<8]) == [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42])
        #expect(Array(request[8...]) == Self.rfcTransactionID)
    }

    @Test func decodesTheRFC5769IPv4Response() throws {
        let response = try STUNMessage.decodeResponse(Self.rfcIPv4Response, transactionID: Self.rfcTransactionID).get()
        #expect(response.isSuccess)
        #expect(response.address?.description == "192.0.2.1:32853")
        #expect(response.software == "test vector")
        #expect(response.fingerprintChecked)
    }

    @Test func decodesTheRFC5769IPv6Response() throws {
        let response = try STUNMessage.decodeResponse(Self.rfcIPv6Response, transactionID: Self.rfcTransactionID).get()
        #expect(response.address?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        #expect(response.fingerprintChecked)
    }

    @Test func decodesAnErrorResponse() throws {
        // Binding Error Response, ERROR-CODE 401 with the reason "Unau" (value: 4 bytes of code + 4 of text).
        let bytes: [UInt8] =
            [0x01, 0x11, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42] + Self.rfcTransactionID
            + [0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x04, 0x01] + Array("Unau".utf8)
        let response = try STUNMessage.decodeResponse(bytes, transactionID: Self.rfcTransactionID).get()
        #expect(!response.isSuccess)
        #expect(response.error == STUNResponse.ErrorCode(code: 401, reason: "Unau"))
    }

    @Test func acceptsAnRFC3489MappedAddress() throws {
        let bytes: [UInt8] =
            [0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42] + Self.rfcTransactionID
            + [0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x0d, 0x96, 198, 51, 100, 7]
        let response = try STUNMessage.decodeResponse(bytes, transactionID: Self.rfcTransactionID).get()
        #expect(response.address?.description == "198.51.100.7:3478")
        #expect(response.xorMappedAddress == nil)
    }

    static func corrupt(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes = rfcIPv4Response
        change(&bytes)
        return bytes
    }

    @Test(arguments: [
        (Array(rfcIPv4Response.prefix(19)), STUNDecodeError.tooShort(19)),
        (corrupt { $0[0] = 0xC1 }, .notSTUN),
        (corrupt { $0[5] = 0x13 }, .badMagicCookie),
        (corrupt { $0[3] = 0x40 }, .lengthMismatch(declared: 64, actual: 60)),
        (corrupt { $0[3] = 0x3d }, .lengthMismatch(declared: 61, actual: 60)),
        (corrupt { $0[19] ^= 1 }, .transactionMismatch),
        (corrupt { $0[1] = 0x02 }, .unexpectedType(0x0102)),
        (corrupt { $0[22] = 0x01 }, .truncatedAttribute(offset: 20)),
        (corrupt { $0[41] = 0x03 }, .badAddress),
        (corrupt { $0[79] ^= 0xFF }, .badFingerprint),
        (corrupt { $0[45] ^= 0x01 }, .badFingerprint),
    ])
    func refusesMalformedAnswers(_ bytes: [UInt8], _ expected: STUNDecodeError) {
        #expect(throws: expected) { try STUNMessage.decodeResponse(bytes, transactionID: Self.rfcTransactionID).get() }
    }

    @Test func successWithoutAddressIsRefused() {
        let bytes: [UInt8] = [0x01, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42] + Self.rfcTransactionID
        #expect(throws: STUNDecodeError.missingMappedAddress) {
            try STUNMessage.decodeResponse(bytes, transactionID: Self.rfcTransactionID).get()
        }
    }

    /// Every prefix, and thousands of seeded random mutations, decode to a value or an error: never a trap.
    @Test func neverTrapsOnHostileInput() {
        for length in 0...Self.rfcIPv6Response.count {
            _ = STUNMessage.decodeResponse(
                Array(Self.rfcIPv6Response.prefix(length)),
                transactionID: Self.rfcTransactionID
            )
        }
        var generator = SeededGenerator(seed: 5389)
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = Bool.random(using: &generator) ? Self.rfcIPv4Response : Self.rfcIPv6Response
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            if case .success = STUNMessage.decodeResponse(bytes, transactionID: Self.rfcTransactionID) { decoded += 1 }
        }
        // Mutations inside the ignored MESSAGE-INTEGRITY value still fail the FINGERPRINT check.
        #expect(decoded < 20_000 / 10)
    }

    @Test func retransmissionScheduleFollowsRFC5389() {
        let schedule = STUNRetransmission()
        #expect(
            schedule.sendOffsets(within: .seconds(60))
                == [0, 500, 1500, 3500, 7500, 15_500, 31_500].map { .milliseconds($0) }
        )
        #expect(schedule.sendOffsets(within: .seconds(5)) == [0, 500, 1500, 3500].map { .milliseconds($0) })
        #expect(schedule.sendOffsets(within: .milliseconds(200)) == [.zero])
        #expect(schedule.transactionTimeout == .milliseconds(39_500))
    }
}
