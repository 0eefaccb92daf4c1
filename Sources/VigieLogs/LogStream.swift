#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VigieCore
import CSystemShims

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
        // The unconsumed tail of a block moves to the front with memmove, not byte by byte.
        var pending = 0
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
            try buffer.withUnsafeBufferPointer { (block) throws(Failure) in
                try anonymizer.anonymize(UnsafeBufferPointer(rebasing: block[0..<cut])) { (result) throws(Failure) in
                    try write(result, to: output, name: name)
                }
            }
            let rest = filled - cut
            if rest > 0 {
                buffer.withUnsafeMutableBufferPointer { pointer in
                    pointer.baseAddress!.update(from: pointer.baseAddress! + cut, count: rest)
                }
            }
            pending = rest
            if count == 0 { return }
        }
    }

    static func write(_ bytes: UnsafeBufferPointer<UInt8>, to fd: Int32, name: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = vigie_write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write the output of \(name): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
