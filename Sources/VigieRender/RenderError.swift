import VigieCore

/// Why a bundle could not be rendered, written, or checked.

public enum RenderError: Error, Sendable, CustomStringConvertible {
    /// A template of the build does not parse or is missing (a defect of Vigie, not of the site file).
    case template(name: String, reason: String)
    /// A value of the site file cannot be written safely into a target file.
    case unsafeValue(field: String, value: String, target: String)
    /// The site file lacks something the bundle needs.
    case missing(field: String, reason: String)
    /// The output directory cannot be written.
    case output(path: String, reason: String)
    /// The output directory, or a path of the bundle inside it, is a symbolic link: nothing is written through one.
    case link(path: String)

    public var description: String {
        switch self {
        case .template(let name, let reason):
            "template \(name): \(reason)"
        case .unsafeValue(let field, let value, let target):
            "\(field): \"\(value)\" cannot be written into \(target) safely"
        case .missing(let field, let reason):
            "\(field): \(reason)"
        case .output(let path, let reason):
            "\(path): \(reason)"
        case .link(let path):
            "\(path) is a symbolic link: Vigie writes nothing through a link (remove it, or give the real directory)"
        }
    }
}
