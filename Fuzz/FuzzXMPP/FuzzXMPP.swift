@testable import VigieCore

/// A server's XMPP stream, fed in two pieces: the reader never traps, whatever the cut.
public func fuzzXMPP(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var reader = XMPPStreamReader()
    _ = reader.feed(bytes[..<cut])
    _ = reader.feed(bytes[cut...])
    return 0
}
