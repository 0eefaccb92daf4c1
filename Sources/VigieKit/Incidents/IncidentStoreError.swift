import struct Foundation.Date
import VigieCore

/// What the register refuses, or why it cannot answer: a code (what a caller decides on) and a message.
public struct IncidentStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure, in NIO's style: a struct wrapping a code, open to new codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable { case unavailable, notFound, configuration, schema }
        let base: Base

        /// The register cannot be reached or written now (PostgreSQL down, a disk error): a runtime failure.
        public static let unavailable = Code(base: .unavailable)
        /// What was asked for is not there (no such incident, no register in that directory).
        public static let notFound = Code(base: .notFound)
        /// The register is named wrongly (a bad URL, a refused password).
        public static let configuration = Code(base: .configuration)
        /// A row holds a value this Vigie does not know: never coerced, reported.
        public static let schema = Code(base: .schema)

        public var description: String {
            switch base {
            case .unavailable: "unavailable"
            case .notFound: "not found"
            case .configuration: "configuration"
            case .schema: "schema"
            }
        }
    }

    public var code: Code
    public var description: String

    public init(_ description: String, code: Code = .unavailable) {
        self.code = code
        self.description = description
    }

    /// A user's mistake (a wrong number, directory or setting) rather than a failure of the moment.
    public var isUsageError: Bool { code == .notFound || code == .configuration }

    public static func noSuchIncident(_ id: Int64) -> IncidentStoreError {
        IncidentStoreError("no incident #\(id) in the register", code: .notFound)
    }

    /// A stored value outside its vocabulary.
    static func unknown(_ column: String, _ value: String, row: Int64) -> IncidentStoreError {
        IncidentStoreError(
            "the register's row #\(row) has \(column) \"\(PrintableText.escaped(value))\", which this version of Vigie does not know (written by a newer one?)",
            code: .schema
        )
    }

    /// The value of a vocabulary column, or a schema error.
    static func decode<T: RawRepresentable>(
        _ type: T.Type,
        _ raw: String,
        column: String,
        row: Int64
    ) throws(IncidentStoreError) -> T
    where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw unknown(column, raw, row: row) }
        return value
    }
}
