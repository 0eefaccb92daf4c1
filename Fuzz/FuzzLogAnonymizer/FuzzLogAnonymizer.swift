@testable import VigieCore
@testable import VigieLogs

/// Any bytes as a log: the pseudonymiser keeps every line (as many line feeds out as in) and leaves no
/// IPv4 address literal outside loopback, whatever it is glued to; cut in two, it gives the same output.
public func fuzzLogAnonymizer(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: count)
    var anonymizer = LogAnonymizer(
        pseudonymizer: Pseudonymizer(key: Array(repeating: 7, count: 32)),
        siteHosts: ["meet.example.org"]
    )
    var out: [UInt8] = []
    anonymizer.anonymize(input, into: &out)
    precondition(out.filter { $0 == 0x0A }.count == input.filter { $0 == 0x0A }.count, "lines kept")
    precondition(FuzzIPv4.literal(in: out) == nil, "an address survived: \(FuzzIPv4.literal(in: out) ?? "")")
    // At a line boundary, the stream may be cut: the result is the same.
    if let newline = input.firstIndex(of: 0x0A) {
        var first: [UInt8] = []
        anonymizer.anonymize(UnsafeBufferPointer(rebasing: input[...newline]), into: &first)
        anonymizer.anonymize(UnsafeBufferPointer(rebasing: input[(newline + 1)...]), into: &first)
        precondition(first == out, "cut at a line boundary, the same output")
    }
    return 0
}

/// An independent detector: a dotted quad of 0–255 that is not part of a longer dotted number,
/// whatever precedes it, outside 127/8 and 0.0.0.0.
enum FuzzIPv4 {
    static func literal(in bytes: [UInt8]) -> String? {
        func isDigit(_ index: Int) -> Bool {
            index >= 0 && index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39
        }
        var index = 0
        while index < bytes.count {
            guard isDigit(index), !isDigit(index - 1), !(index >= 2 && bytes[index - 1] == 0x2E && isDigit(index - 2))
            else {
                index += 1
                continue
            }
            var cursor = index
            var parts: [Int] = []
            while parts.count < 4 {
                var value = 0
                var digits = 0
                while isDigit(cursor), digits < 4 {
                    value = value * 10 + Int(bytes[cursor] - 0x30)
                    digits += 1
                    cursor += 1
                }
                guard (1...3).contains(digits), value <= 255 else { break }
                parts.append(value)
                if parts.count < 4 {
                    guard cursor < bytes.count, bytes[cursor] == 0x2E else { break }
                    cursor += 1
                }
            }
            if parts.count == 4, !isDigit(cursor),
                !(cursor + 1 < bytes.count && bytes[cursor] == 0x2E && isDigit(cursor + 1)),
                parts[0] != 127, parts != [0, 0, 0, 0]
            {
                return parts.map(String.init).joined(separator: ".")
            }
            index += 1
        }
        return nil
    }
}
