#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file descriptor in large blocks and hands over whole lines, writing the result to another.
public enum LogStream {
    public static let blockSize = 4 << 20

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Anonymises everything from `input` to `output`.
    public static func anonymize(
        _ anonymizer: inout LogAnonymizer,
        input: Int32,
        output: Int32,
        name: String,
        blockSize: Int = LogStream.blockSize
    ) throws(Failure) {
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var pending = 0
        var out: [UInt8] = []
        out.reserveCapacity(blockSize + blockSize / 4)
        while true {
            if pending == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw in
                read(input, raw.baseAddress! + pending, raw.count - pending)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            let filled = pending + count
            // Hand over up to the last newline; at the end of the input, everything.
            var cut = filled
            if count > 0 {
                cut = 0
                var index = filled - 1
                while index >= pending {
                    if buffer[index] == 0x0A {
                        cut = index + 1
                        break
                    }
                    index -= 1
                }
                if cut == 0 {
                    pending = filled
                    continue
                }
            }
            out.removeAll(keepingCapacity: true)
            buffer.withUnsafeBufferPointer { anonymizer.anonymize(UnsafeBufferPointer(rebasing: $0[0..<cut]), into: &out) }
            try write(out, to: output, name: name)
            let rest = filled - cut
            if rest > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    for index in 0..<rest { pointer[index] = pointer[cut + index] }
                }
            }
            pending = rest
            if count == 0 { return }
        }
    }

    static func write(_ bytes: [UInt8], to fd: Int32, name: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write the output of \(name): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
