// The first exchange of an XMPP client connection (RFC 6120 §4.2–4.3), parsed from raw bytes.
//
// A probe only needs the server's stream header and its first <stream:features/> (or a
// <stream:error/>), so this is a small tolerant tokenizer, not an XML library: it understands
// start/end/empty tags, attributes, text, comments and the XML declaration, refuses DOCTYPE (RFC 6120
// forbids it) and caps the amount it will buffer. Anything it cannot read is `.malformed`, never a trap.

/// What the server said after our stream header.
public enum XMPPStreamOutcome: Sendable, Hashable {
    /// More bytes are needed.
    case needMore
    /// The server opened a stream and listed its features.
    case features(XMPPStreamFeatures)
    /// The server refused the stream (`host-unknown`, `see-other-host`…).
    case streamError(condition: String, text: String?)
    /// The bytes are not an XMPP stream.
    case malformed(String)
}

/// The stream header attributes and the features the server offered.
public struct XMPPStreamFeatures: Sendable, Hashable {
    /// The `from` of the server's stream header: the domain it serves the stream for.
    public var from: String?
    public var version: String?
    public var startTLS = false
    public var startTLSRequired = false
    public var saslMechanisms: [String] = []
    /// Local names of every feature element, in order (`starttls`, `mechanisms`, `register`…).
    public var features: [String] = []

    public init() {}
}

/// Incremental reader of a server's stream opening.
public struct XMPPStreamReader: Sendable {
    public static let streamNamespace = "http://etherx.jabber.org/streams"
    public static let tlsNamespace = "urn:ietf:params:xml:ns:xmpp-tls"
    /// The most a server may send before its features; more is treated as malformed.
    public static let maximumBytes = 64 * 1024

    private var buffer: [UInt8] = []

    public init() {}

    /// The stream header a client sends to open a stream to `domain`.
    public static func openingHeader(to domain: String) -> String {
        "<?xml version='1.0'?><stream:stream to='\(MarkupEscaping.escape(domain))' version='1.0' xml:lang='en' "
            + "xmlns='jabber:client' xmlns:stream='\(streamNamespace)'>"
    }

    /// The bytes that politely end the stream.
    public static let closingTag = "</stream:stream>"

    /// Adds received bytes and reports what the server has said so far.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> XMPPStreamOutcome {
        buffer.append(contentsOf: bytes)
        let outcome = Self.interpret(buffer)
        if case .needMore = outcome, buffer.count > Self.maximumBytes {
            return .malformed("no stream features in the first \(Self.maximumBytes) bytes")
        }
        return outcome
    }

    /// Reads the whole buffer from the start; cheap enough for the few hundred bytes of an opening.
    static func interpret(_ bytes: [UInt8]) -> XMPPStreamOutcome {
        var tokenizer = XMLTokenizer(bytes: bytes)
        var stack: [String] = []
        var rootPrefixes: [String: String] = [:]
        var features = XMPPStreamFeatures()
        var inError = false
        var errorCondition: String?
        var errorText: String?
        var textTarget: String?
        var currentText = ""

        while true {
            let token: XMLTokenizer.Token
            switch tokenizer.next() {
            case .incomplete: return .needMore
            case .invalid(let reason): return .malformed(reason)
            case .token(let next): token = next
            }
            switch token {
            case .text(let text):
                if stack.isEmpty {
                    let trimmed = text.trimmingWhitespace()
                    if !trimmed.isEmpty { return .malformed("not an XMPP server (answered \"\(preview(trimmed))\")") }
                } else if textTarget != nil {
                    currentText += text
                }
            case .start(let name, let attributes, let selfClosing):
                let local = localName(name)
                if stack.isEmpty {
                    guard local == "stream" else { return .malformed("not an XMPP stream (first element <\(name)>)") }
                    for (key, value) in attributes where key.hasPrefix("xmlns:") {
                        rootPrefixes[String(key.dropFirst(6))] = value
                    }
                    let prefix = prefixOf(name)
                    guard rootPrefixes[prefix ?? ""] ?? attributes["xmlns"] == streamNamespace else {
                        return .malformed("stream element is not in the \(streamNamespace) namespace")
                    }
                    features.from = attributes["from"]
                    features.version = attributes["version"]
                    if selfClosing { return .malformed("server closed the stream at once") }
                    stack.append(name)
                    continue
                }
                let depth = stack.count
                if depth == 1 {
                    if local == "error" { inError = true }
                    if local != "features" && local != "error" {
                        // Stanzas before features are not expected from a server; skip them.
                    }
                } else if depth == 2, stack.last.map(localName) == "features" {
                    features.features.append(local)
                    if local == "starttls", attributes["xmlns"] == tlsNamespace || attributes["xmlns"] == nil {
                        features.startTLS = true
                    }
                } else if depth == 2, inError {
                    if local == "text" {
                        textTarget = "error-text"
                        currentText = ""
                    } else if errorCondition == nil {
                        errorCondition = local
                    }
                } else if depth == 3, stack.last.map(localName) == "starttls", local == "required" {
                    features.startTLSRequired = true
                } else if depth == 3, stack.last.map(localName) == "mechanisms", local == "mechanism" {
                    textTarget = "mechanism"
                    currentText = ""
                }
                if !selfClosing { stack.append(name) } else if textTarget != nil { textTarget = nil }
            case .end(let name):
                guard let open = stack.last else { return .malformed("unexpected </\(name)>") }
                guard open == name else { return .malformed("</\(name)> closes <\(open)>") }
                stack.removeLast()
                if let target = textTarget {
                    if target == "mechanism" { features.saslMechanisms.append(currentText.trimmingWhitespace()) }
                    if target == "error-text" { errorText = currentText.trimmingWhitespace() }
                    textTarget = nil
                }
                if stack.count == 1 {
                    if localName(name) == "features" { return .features(features) }
                    if localName(name) == "error" {
                        return .streamError(condition: errorCondition ?? "undefined-condition", text: errorText)
                    }
                }
                if stack.isEmpty { return .malformed("server closed the stream before sending its features") }
            }
        }
    }

    /// The server's answer to `<starttls/>` (RFC 6120 §5.4.2).
    public enum StartTLSAnswer: Sendable, Hashable {
        case needMore
        /// `<proceed/>`: the TLS handshake starts now.
        case proceed
        /// `<failure/>`: the server will not negotiate TLS (and closes the stream).
        case failure
        /// A stream error, or anything else.
        case refused(String)
    }

    /// The `<starttls/>` request.
    public static let startTLSRequest = "<starttls xmlns='\(tlsNamespace)'/>"

    /// Reads the first element the server sent after our `<starttls/>`.
    public static func startTLSAnswer(_ bytes: [UInt8]) -> StartTLSAnswer {
        if bytes.count > maximumBytes { return .refused("no answer to STARTTLS in the first \(maximumBytes) bytes") }
        var tokenizer = XMLTokenizer(bytes: bytes)
        while true {
            switch tokenizer.next() {
            case .incomplete: return .needMore
            case .invalid(let reason): return .refused(reason)
            case .token(.text(let text)):
                if !text.trimmingWhitespace().isEmpty { return .refused("answered STARTTLS with \"\(preview(text))\"") }
            case .token(.start(let name, let attributes, _)):
                let local = localName(name)
                let namespace = attributes["xmlns"]
                if local == "proceed", namespace == tlsNamespace { return .proceed }
                if local == "failure", namespace == tlsNamespace { return .failure }
                if local == "error" { return .refused("stream error in answer to STARTTLS") }
                return .refused("answered STARTTLS with <\(preview(name))>")
            case .token(.end(let name)):
                return .refused(
                    localName(name) == "stream"
                        ? "server closed the stream in answer to STARTTLS" : "unexpected </\(preview(name))>"
                )
            }
        }
    }

    static func localName(_ name: String) -> String {
        name.lastIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
    }

    static func prefixOf(_ name: String) -> String? {
        name.firstIndex(of: ":").map { String(name[..<$0]) }
    }

    static func preview(_ text: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character in Swift.
        let line = text.unicodeScalars.prefix { $0 != "\r" && $0 != "\n" }
        let printable = line.filter { $0.value >= 0x20 && $0.value < 0x7F }
        return String(String.UnicodeScalarView(printable.prefix(60)))
    }
}
