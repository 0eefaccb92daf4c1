import CSystemShims
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
public import VigieCore

// What `vigie logs purge` may delete: rotated logs (a rotation suffix: `.1`, `.2.gz`, `-20261124`,
// `.gz`…, never the live `jvb.log`) older than the retention, inside the declared directories only.
//
// The log directories belong to the services (jitsi, prosody, www-data write there) while the purge
// runs as root, so a path is never trusted between two looks at it: the walk goes from a descriptor of
// the declared directory down, one component at a time with O_NOFOLLOW, and the deletion opens the
// same chain again and unlinks the name relative to its parent's descriptor, after checking it is
// still an old regular file. A link is never followed nor deleted. A declared directory that is a
// link, whose real path differs, or that cannot be read is not enforced — and that is a failure the
// command reports (exit 1), because the retention promise does not hold there.

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
        /// A declared directory, or a directory inside one, whose retention could not be enforced
        /// (a link at a file's place is only skipped).
        public var unenforced: Bool
    }

    public struct Plan: Sendable {
        public var deletions: [File] = []
        public var refused: [Refusal] = []

        /// The directories where the retention could not be enforced.
        public var unenforced: [Refusal] { refused.filter(\.unenforced) }
    }

    public let settings: LogSettings

    public init(settings: LogSettings) {
        self.settings = settings
    }

    public func plan(now: Date) -> Plan {
        var plan = Plan()
        let limit = Int64(now.addingTimeInterval(-Double(settings.retentionDays) * 86_400).timeIntervalSince1970)
        for directory in settings.directories {
            let root = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
            guard !root.split(separator: "/").contains("..") else {
                plan.refused.append(Refusal(path: directory, reason: "'..' in the path", unenforced: true))
                continue
            }
            let fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                let reason =
                    errno == ELOOP || errno == ENOTDIR
                    ? "a symbolic link or not a directory"
                    : errno == ENOENT ? "not found" : "cannot be read: \(Self.errorText())"
                plan.refused.append(Refusal(path: directory, reason: reason, unenforced: true))
                continue
            }
            defer { close(fd) }
            guard
                let real = realpath(root, nil).map({ pointer -> String in
                    defer { free(pointer) }
                    return String(cString: pointer)
                }), real == root
            else {
                plan.refused.append(
                    Refusal(
                        path: directory,
                        reason: "its real path differs (a symbolic link in the path)",
                        unenforced: true
                    )
                )
                continue
            }
            walk(fd, path: root, root: root, limit: limit, now: now, depth: 0, into: &plan)
        }
        plan.deletions.sort { $0.path < $1.path }
        return plan
    }

    static func errorText() -> String { String(cString: strerror(errno)) }

    /// The names of a directory, read from its descriptor (which stays open: the caller closes it).
    static func names(_ fd: Int32) -> [String]? {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else { return nil }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private func walk(
        _ fd: Int32,
        path: String,
        root: String,
        limit: Int64,
        now: Date,
        depth: Int,
        into plan: inout Plan
    ) {
        guard depth < 32 else {
            plan.refused.append(Refusal(path: path, reason: "nested more than 32 directories deep", unenforced: true))
            return
        }
        guard let names = Self.names(fd) else {
            plan.refused.append(Refusal(path: path, reason: "cannot be read: \(Self.errorText())", unenforced: true))
            return
        }
        for name in names {
            let child = path + "/" + name
            var mode: Int64 = 0
            var modified: Int64 = 0
            guard vigie_stat_at_nofollow(fd, name, &mode, &modified) == 0 else { continue }
            if vigie_mode_is_link(mode) != 0 {
                if Self.isRotated(name) {
                    plan.refused.append(Refusal(path: child, reason: "symbolic link, not followed", unenforced: false))
                }
            } else if vigie_mode_is_directory(mode) != 0 {
                let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard sub >= 0 else {
                    plan.refused.append(
                        Refusal(path: child, reason: "cannot be opened: \(Self.errorText())", unenforced: true)
                    )
                    continue
                }
                walk(sub, path: child, root: root, limit: limit, now: now, depth: depth + 1, into: &plan)
                close(sub)
            } else if vigie_mode_is_regular(mode) != 0, Self.isRotated(name), modified < limit {
                let age = Int((now.timeIntervalSince1970 - Double(modified)) / 86_400)
                plan.deletions.append(File(path: child, directory: root, ageDays: age))
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

    /// Deletes one planned file after checking it again, through the same chain of descriptors as the
    /// walk (so a directory swapped for a link in the meantime is not followed); `nil` on success, else why not.
    public static func delete(_ file: File) -> String? {
        guard file.path.hasPrefix(file.directory + "/"), !file.path.split(separator: "/").contains("..") else {
            return "outside \(file.directory)"
        }
        let components = file.path.dropFirst(file.directory.count + 1).split(separator: "/").map(String.init)
        guard let name = components.last else { return "outside \(file.directory)" }
        var fd = open(file.directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return "\(file.directory): \(errorText())" }
        defer { close(fd) }
        for component in components.dropLast() {
            let next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else {
                return errno == ELOOP || errno == ENOTDIR ? "a directory on its path is now a link" : errorText()
            }
            close(fd)
            fd = next
        }
        var mode: Int64 = 0
        var modified: Int64 = 0
        guard vigie_stat_at_nofollow(fd, name, &mode, &modified) == 0 else {
            return errno == ENOENT ? "gone" : errorText()
        }
        guard vigie_mode_is_regular(mode) != 0 else { return "no longer a regular file" }
        guard unlinkat(fd, name, 0) == 0 else { return errorText() }
        return nil
    }
}
