import Foundation

/// The recorded payloads and logs of ../shared/fixtures (see its SOURCES.md). Read-only.
enum Fixtures {
    /// `$VIGIE_FIXTURES`, else `../shared/fixtures` next to the clone, else the workspace's `/work/shared/fixtures`.
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["VIGIE_FIXTURES"] { return URL(fileURLWithPath: override) }
        let candidates = [
            Lab.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures"),
            URL(fileURLWithPath: "/work/shared/fixtures"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("SOURCES.md").path) }
            ?? candidates[0]
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static var all: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    static let colibri21 = "jvb_colibri_stats_2.1.169_community_tutorial.json"
    static let colibri23 = "jvb_colibri_stats_2.3.63_systemli_test.json"
    static let colibriLegacy = "jvb_colibri_stats_legacy-string-conference_sizes_systemli-issue-139.json"
    static let jicofo2020 = "jicofo_stats_2020_systemli_main_test.json"
    static let prosodyMetrics = "prosody_0.12.3_openmetrics_local_lab.txt"
}
