/// Percent-encoding (RFC 3986): every byte outside the unreserved characters as `%XX`.
public enum PercentEncoding {
    /// `text` with every byte other than ASCII letters, digits, `-`, `_`, `.` (and `~` when
    /// `keepingTilde`) percent-encoded, upper-case hexadecimal.
    public static func encode(_ text: String, keepingTilde: Bool = true) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "~") where keepingTilde:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}
