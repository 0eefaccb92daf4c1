public import Foundation

/// The recorded payloads and logs of ../shared/fixtures (see its SOURCES.md). Read-only.
public enum Fixtures {
    /// The clone's root directory (this file is Tests/VigieTestSupport/Fixtures.swift in it).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$VIGIE_FIXTURES`, else `shared/fixtures` next to the clone.
    public static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["VIGIE_FIXTURES"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }()

    public static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    public static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// Every fixture's name. Without the fixtures the suites that run over them would pass with no case:
    /// it stops the run instead, saying where it looked.
    public static var all: [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path), !names.isEmpty else {
            fatalError("no fixtures in \(directory.path): set VIGIE_FIXTURES, or run Scripts/test.sh (it finds them)")
        }
        return names.sorted()
    }

    public static let colibri21 = "jvb_colibri_stats_2.1.169_community_tutorial.json"
    public static let colibri23 = "jvb_colibri_stats_2.3.63_systemli_test.json"
    public static let colibriLegacy = "jvb_colibri_stats_legacy-string-conference_sizes_systemli-issue-139.json"
    public static let jicofo2020 = "jicofo_stats_2020_systemli_main_test.json"
    public static let prosodyMetrics = "prosody_0.12.3_openmetrics_local_lab.txt"
}
