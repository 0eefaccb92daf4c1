// STUN (RFC 5389) Binding transactions, as pure functions over bytes.
//
// Only what a reachability probe needs: build a Binding Request, and decode the answer strictly
// (header, magic cookie, transaction id, attribute bounds, FINGERPRINT when present). Any byte
// sequence yields a value or a `STUNDecodeError`; nothing here can trap on hostile input.

/// A Binding Request or its answer.
public enum STUNMessage {
    public static let magicCookie: UInt32 = 0x2112_A442
    static let bindingRequest: UInt16 = 0x0001
    static let bindingSuccess: UInt16 = 0x0101
    static let bindingError: UInt16 = 0x0111
    static let headerLength = 20

    enum Attribute: UInt16 {
        case mappedAddress = 0x0001
        case errorCode = 0x0009
        case xorMappedAddress = 0x0020
        case software = 0x8022
        case fingerprint = 0x8028
    }

    /// A Binding Request without attributes (what `stunclient` and browsers send first).
    ///
    /// - Parameter transactionID: 12 random bytes identifying the transaction.
    public static func bindingRequest(transactionID: [UInt8]) -> [UInt8] {
        precondition(transactionID.count == 12, "a STUN transaction id is 12 bytes")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerLength)
        bytes.append(contentsOf: [0x00, 0x01, 0x00, 0x00])
        bytes.append(contentsOf: magicCookie.bigEndianBytes)
        bytes.append(contentsOf: transactionID)
        return bytes
    }

    /// Decodes the answer to the Binding Request `transactionID`.
    public static func decodeResponse(
        _ bytes: [UInt8],
        transactionID: [UInt8]
    ) -> Result<STUNResponse, STUNDecodeError> {
        guard bytes.count >= headerLength else { return .failure(.tooShort(bytes.count)) }
        guard bytes[0] & 0xC0 == 0 else { return .failure(.notSTUN) }
        let type = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let length = Int(UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
        guard readUInt32(bytes, at: 4) == magicCookie else { return .failure(.badMagicCookie) }
        guard length % 4 == 0, headerLength + length == bytes.count else {
            return .failure(.lengthMismatch(declared: length, actual: bytes.count - headerLength))
        }
        guard Array(bytes[8..<20]) == transactionID else { return .failure(.transactionMismatch) }
        guard type == bindingSuccess || type == bindingError else { return .failure(.unexpectedType(type)) }

        var response = STUNResponse(isSuccess: type == bindingSuccess)
        var offset = headerLength
        while offset < bytes.count {
            guard offset + 4 <= bytes.count else { return .failure(.truncatedAttribute(offset: offset)) }
            let attributeType = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let attributeLength = Int(UInt16(bytes[offset + 2]) << 8 | UInt16(bytes[offset + 3]))
            let valueStart = offset + 4
            guard valueStart + attributeLength <= bytes.count else {
                return .failure(.truncatedAttribute(offset: offset))
            }
            let value = Array(bytes[valueStart..<(valueStart + attributeLength)])
            switch Attribute(rawValue: attributeType) {
            case .xorMappedAddress:
                guard let address = decodeAddress(value, xorWith: transactionID) else {
                    return .failure(.badAddress)
                }
                response.xorMappedAddress = address
            case .mappedAddress:
                guard let address = decodeAddress(value, xorWith: nil) else { return .failure(.badAddress) }
                response.mappedAddress = address
            case .software:
                response.software = String(decoding: value.prefix(763), as: UTF8.self)
            case .errorCode:
                guard value.count >= 4 else { return .failure(.badErrorCode) }
                let code = Int(value[2] & 0x07) * 100 + Int(value[3])
                response.error = STUNResponse.ErrorCode(
                    code: code,
                    reason: String(decoding: value.dropFirst(4), as: UTF8.self)
                )
            case .fingerprint:
                guard value.count == 4 else { return .failure(.badFingerprint) }
                let expected =
                    CRC32.checksum(bytes[0..<offset].withLengthField(offset + 8 - headerLength)) ^ 0x5354_554E
                guard readUInt32(value, at: 0) == expected else { return .failure(.badFingerprint) }
                response.fingerprintChecked = true
            case nil:
                break
            }
            offset = valueStart + (attributeLength + 3) / 4 * 4
        }
        if response.isSuccess, response.address == nil { return .failure(.missingMappedAddress) }
        return .success(response)
    }

    /// Decodes a (XOR-)MAPPED-ADDRESS value: reserved byte, family, port, address.
    static func decodeAddress(_ value: [UInt8], xorWith transactionID: [UInt8]?) -> STUNResponse.MappedAddress? {
        guard value.count >= 4 else { return nil }
        let family = value[1]
        var port = UInt16(value[2]) << 8 | UInt16(value[3])
        var addressBytes: [UInt8]
        switch family {
        case 0x01:
            guard value.count == 8 else { return nil }
            addressBytes = Array(value[4..<8])
        case 0x02:
            guard value.count == 20 else { return nil }
            addressBytes = Array(value[4..<20])
        default:
            return nil
        }
        if let transactionID {
            port ^= UInt16(magicCookie >> 16)
            let mask = magicCookie.bigEndianBytes + transactionID
            for index in addressBytes.indices { addressBytes[index] ^= mask[index] }
        }
        guard let address = IPAddress(bytes: addressBytes) else { return nil }
        return STUNResponse.MappedAddress(address: address, port: Int(port))
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}

extension UInt32 {
    var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)]
    }
}

extension ArraySlice where Element == UInt8 {
    /// The message prefix with its length field rewritten, as FINGERPRINT is computed over it (RFC 5389 §15.5).
    func withLengthField(_ length: Int) -> [UInt8] {
        var bytes = Array(self)
        bytes[2] = UInt8(length >> 8 & 0xFF)
        bytes[3] = UInt8(length & 0xFF)
        return bytes
    }
}
