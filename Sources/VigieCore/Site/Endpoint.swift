/// A host and port, as in `meet.example.org:443` or `[2001:db8::1]:3478`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: Host
    public var port: Int

    public init(host: Host, port: Int) {
        self.host = host
        self.port = port
    }

    /// Why a `host:port` text was refused.
    public enum ParseFailure: Error, Sendable, Hashable, CustomStringConvertible {
        case missingPort
        case badPort(String)
        case portOutOfRange(Int)
        case badHost(String)

        public var description: String {
            switch self {
            case .missingPort: return "missing port (write host:port)"
            case .badPort(let text): return "invalid port \"\(text)\""
            case .portOutOfRange(let port): return "port \(port) out of range (1-65535)"
            case .badHost(let text): return "invalid host \"\(text)\""
            }
        }
    }

    /// Parses `host:port`, `[v6]:port`, or a bare host when `defaultPort` is given.
    public static func parse(_ text: String, defaultPort: Int? = nil) -> Result<Endpoint, ParseFailure> {
        let hostText: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.badHost(text)) }
            hostText = text[text.index(after: text.startIndex)..<close]
            guard let address = IPAddress(hostText), address.family == .v6 else {
                return .failure(.badHost(String(hostText)))
            }
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                portText = rest.dropFirst()
            } else if !rest.isEmpty {
                return .failure(.badHost(text))
            }
        } else if text.filter({ $0 == ":" }).count > 1 {
            // An unbracketed IPv6 literal cannot carry a port.
            hostText = Substring(text)
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            hostText = Substring(text)
        }
        guard let host = Host(hostText) else { return .failure(.badHost(String(hostText))) }
        let port: Int
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(portText)
            else {
                return .failure(.badPort(String(portText)))
            }
            port = value
        } else if let defaultPort {
            port = defaultPort
        } else {
            return .failure(.missingPort)
        }
        guard (1...65535).contains(port) else { return .failure(.portOutOfRange(port)) }
        return .success(Endpoint(host: host, port: port))
    }

    public var description: String { "\(host):\(port)" }
}
