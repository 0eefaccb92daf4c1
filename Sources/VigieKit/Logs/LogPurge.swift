import Foundation

#if canImport(Glibc)
import Glibc
#endif

// What `vigie logs purge` may delete: rotated logs (a rotation suffix: `.1`, `.2.gz`, `-20261124`,
// `.gz`…, never the live `jvb.log`) older than the retention, inside the declared directories only.
// Symbolic links are never followed nor deleted, a directory that is itself a link or whose real path
// differs is refused, and each file is checked again just before it is unlinked.

/// The deletions of a purge, planned before anything is touched.
public struct LogPurge: Sendable {
    public struct File: Sendable, Hashable {
        public var path: String
        public var directory: String
        public var ageDays: Int
    }

    public struct Refusal: Sendable, Hashable {
        public var path: String
        public var reason: String
    }

    public struct Plan: Sendable {
        public var deletions: [File] = []
        public var refused: [Refusal] = []
    }

    public let settings: LogSettings

    public init(settings: LogSettings) {
        self.settings = settings
    }

    public func plan(now: Date) -> Plan {
        var plan = Plan()
        let limit = now.addingTimeInterval(-Double(settings.retentionDays) * 86_400)
        for directory in settings.directories {
            guard !directory.split(separator: "/").contains("..") else {
                plan.refused.append(Refusal(path: directory, reason: "'..' in the path"))
                continue
            }
            guard let type = Self.type(directory) else {
                plan.refused.append(Refusal(path: directory, reason: "not found"))
                continue
            }
            guard type == .typeDirectory else {
                plan.refused.append(Refusal(path: directory, reason: "a symbolic link or not a directory"))
                continue
            }
            guard let real = realpath(directory, nil).map({ pointer -> String in
                defer { free(pointer) }
                return String(cString: pointer)
            }), real == (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) else {
                plan.refused.append(Refusal(path: directory, reason: "its real path differs (a symbolic link in the path)"))
                continue
            }
            walk(real, root: real, limit: limit, now: now, into: &plan)
        }
        plan.deletions.sort { $0.path < $1.path }
        return plan
    }

    private func walk(_ directory: String, root: String, limit: Date, now: Date, into plan: inout Plan) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() {
            let path = directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { continue }
            switch attributes[.type] as? FileAttributeType {
            case .typeSymbolicLink?:
                if Self.isRotated(name) { plan.refused.append(Refusal(path: path, reason: "symbolic link, not followed")) }
            case .typeDirectory?:
                walk(path, root: root, limit: limit, now: now, into: &plan)
            case .typeRegular?:
                guard Self.isRotated(name), let modified = attributes[.modificationDate] as? Date else { continue }
                if modified < limit {
                    plan.deletions.append(File(path: path, directory: root, ageDays: Int((now.timeIntervalSince(modified) / 86_400).rounded())))
                }
            default:
                continue
            }
        }
    }

    /// Whether a file name carries a rotation suffix (logrotate's numbered, dated or compressed forms).
    public static func isRotated(_ name: String) -> Bool {
        var stem = Substring(name)
        var changed = true
        var rotated = false
        while changed {
            changed = false
            for suffix in [".gz", ".xz", ".bz2", ".zst", ".old"] where stem.hasSuffix(suffix) {
                stem = stem.dropLast(suffix.count)
                changed = true
                rotated = true
            }
            if let dot = stem.lastIndex(where: { $0 == "." || $0 == "-" }) {
                let tail = stem[stem.index(after: dot)...]
                if !tail.isEmpty, tail.allSatisfy(\.isNumber), tail.count <= 10 {
                    stem = stem[..<dot]
                    changed = true
                    rotated = true
                }
            }
        }
        return rotated && !stem.isEmpty
    }

    /// The type of a path, not following a final symbolic link.
    static func type(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    /// Deletes one planned file after checking it again; `nil` on success, else why not.
    public static func delete(_ file: File) -> String? {
        guard let type = type(file.path) else { return "gone" }
        guard type == .typeRegular else { return "no longer a regular file" }
        guard file.path.hasPrefix(file.directory + "/"), !file.path.split(separator: "/").contains("..") else {
            return "outside \(file.directory)"
        }
        guard unlink(file.path) == 0 else { return String(cString: strerror(errno)) }
        return nil
    }
}
