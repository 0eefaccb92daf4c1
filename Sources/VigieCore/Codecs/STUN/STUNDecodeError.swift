/// Why bytes are not an acceptable answer.
public enum STUNDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooShort(Int)
    case notSTUN
    case badMagicCookie
    case lengthMismatch(declared: Int, actual: Int)
    case transactionMismatch
    case unexpectedType(UInt16)
    case truncatedAttribute(offset: Int)
    case badAddress
    case badErrorCode
    case badFingerprint
    case missingMappedAddress

    public var description: String {
        switch self {
        case .tooShort(let count): return "datagram of \(count) bytes is too short for STUN"
        case .notSTUN: return "not a STUN message"
        case .badMagicCookie: return "wrong STUN magic cookie"
        case .lengthMismatch(let declared, let actual):
            return "STUN length field says \(declared) bytes, datagram carries \(actual)"
        case .transactionMismatch: return "STUN answer for another transaction"
        case .unexpectedType(let type): return "unexpected STUN message type 0x\(String(type, radix: 16))"
        case .truncatedAttribute(let offset): return "STUN attribute at byte \(offset) runs past the end"
        case .badAddress: return "malformed STUN address attribute"
        case .badErrorCode: return "malformed STUN ERROR-CODE attribute"
        case .badFingerprint: return "STUN FINGERPRINT does not match"
        case .missingMappedAddress: return "STUN success without a mapped address"
        }
    }
}
