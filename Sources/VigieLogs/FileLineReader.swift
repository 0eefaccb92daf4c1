#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VigieCore

/// Reads an open file descriptor line by line through one fixed buffer, whatever the file's size.
///
/// A line longer than ``maximumLine`` is handed over cut at that length and the rest of it skipped:
/// memory stays bounded on a file that is one endless line.
struct FileLineReader {
    static let maximumLine = 64 << 10

    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    let descriptor: Int32
    let name: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// Dropping the rest of an over-long line.
    private var discarding = false

    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        buffer = [UInt8](repeating: 0, count: 2 * Self.maximumLine)
    }

    /// Calls `body` with the next line (without its `\n`); `false` at the end of the file.
    mutating func nextLine(_ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Void) throws(Failure) -> Bool {
        while true {
            let newline: Int? = buffer.withUnsafeBufferPointer { bytes in
                guard end > start, let found = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { return nil }
                return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                let from = start
                start = newline + 1
                if discarding {
                    discarding = false
                    continue
                }
                try hand(from, newline, body)
                return true
            }
            if end - start >= Self.maximumLine {
                // Over-long: the first part now, the rest dropped up to its newline.
                let from = start
                start += Self.maximumLine
                if discarding {
                    start = end
                    continue
                }
                discarding = true
                try hand(from, from + Self.maximumLine, body)
                return true
            }
            if atEnd {
                guard end > start else { return false }
                let from = start
                start = end
                if discarding {
                    discarding = false
                    return false
                }
                try hand(from, end, body)
                return true
            }
            try fill()
        }
    }

    /// The next `count` raw bytes (journald's binary fields), or `nil` when the file ends first.
    mutating func read(exactly count: Int) throws(Failure) -> [UInt8]? {
        var out: [UInt8] = []
        while out.count < count {
            if end == start {
                if atEnd { return nil }
                try fill()
                continue
            }
            let take = min(count - out.count, end - start)
            out.append(contentsOf: buffer[start..<start + take])
            start += take
        }
        return out
    }

    /// Skips `count` raw bytes; `false` when the file ends first.
    mutating func skip(_ count: UInt64) throws(Failure) -> Bool {
        var left = count
        while left > 0 {
            if end == start {
                if atEnd { return false }
                try fill()
                continue
            }
            let take = Int(min(left, UInt64(end - start)))
            start += take
            left -= UInt64(take)
        }
        return true
    }

    private func hand(
        _ from: Int,
        _ to: Int,
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Void
    ) throws(Failure) {
        try buffer.withUnsafeBufferPointer { (bytes) throws(Failure) in
            try body(UnsafeBufferPointer(rebasing: bytes[from..<to]))
        }
    }

    /// Moves what is left to the front and reads more after it.
    private mutating func fill() throws(Failure) {
        if start > 0 {
            let left = end - start
            if left > 0 {
                buffer.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + start, left) }
            }
            start = 0
            end = left
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                systemRead(descriptor, raw.baseAddress! + end, raw.count - end)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if count == 0 { atEnd = true }
            end += count
            return
        }
    }
}

/// `read(2)`, under a name the reader's own `read(exactly:)` does not hide.
private func systemRead(_ descriptor: Int32, _ into: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, into, count)
}
