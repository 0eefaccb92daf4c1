import Foundation
import PackagePlugin

/// Compiles the bundle templates of `Templates/` into the module, so that an installed `vigie`
/// binary renders without a resource directory beside it. The templates stay readable files.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "Templates")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) bundle templates",
                executable: try context.tool(named: "embed-templates").url,
                arguments: [directory.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
