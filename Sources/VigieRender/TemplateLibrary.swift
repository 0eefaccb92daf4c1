import Mustache
import VigieCore

/// The bundle's templates (`Templates/` in the repository, compiled into the module by the
/// EmbedTemplates build plugin), rendered with the escaper each one declares.
struct TemplateLibrary: Sendable {
    private let library: MustacheLibrary
    let names: [String]

    /// Parses every embedded template; a template that does not parse is a build defect, reported by name.
    init() throws(RenderError) {
        _ = TargetEscaping.registered
        var templates: [String: MustacheTemplate] = [:]
        for (path, text) in EmbeddedTemplates.files where path.hasSuffix(".mustache") {
            let name = String(path.dropLast(".mustache".count))
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                throw RenderError.template(name: name, reason: "\(error)")
            }
        }
        library = MustacheLibrary(templates: templates)
        names = templates.keys.sorted()
    }

    static let shared: Result<TemplateLibrary, RenderError> = Result { () throws(RenderError) in try TemplateLibrary() }

    /// Renders the template `name` (its path under `Templates/` without `.mustache`) with `context`.
    func render(_ name: String, _ context: Any) throws(RenderError) -> String {
        guard let text = library.render(context, withTemplate: name) else {
            throw RenderError.template(name: name, reason: "no such template")
        }
        return text
    }
}
