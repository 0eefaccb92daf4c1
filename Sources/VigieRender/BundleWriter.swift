import CSystemShims
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import VigieCore

// The bundle directory may be an old bundle, a git checkout, or a directory someone else can
// write into. Nothing is written through a link: every path is walked from a descriptor of the
// output directory, one component at a time, with O_NOFOLLOW (and O_DIRECTORY for directories), and
// files are created next to their final name with O_EXCL, then renamed into place. Before anything
// is written, every path of the bundle is looked at: a symbolic link at any of them (a directory
// such as `nginx/` or a file) refuses the whole run, so a refused render writes nothing. The output
// directory itself may not be a link either (give its target). Links elsewhere in the directory
// (a Terraform plugin cache, say) are not the bundle's and are left alone.

/// Writes a rendered bundle into a directory, or compares a directory with it (`--check`).
public enum BundleWriter {
    /// A difference between the bundle and what the directory holds.
    public struct Drift: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            case missing
            case changed(diff: String)
            case mode(expected: String, found: String)
        }

        public var path: String
        public var kind: Kind
    }

    /// Writes every file (atomically: a new file next to it, then a rename) with its mode. Files of the
    /// directory that the bundle does not hold (terraform.tfvars, state, `bin/vigie`) are left alone.
    ///
    /// - Returns: The paths whose content or mode changed.
    /// - Throws: ``RenderError/link(path:)`` when the output directory or a path of the bundle in it is a
    ///   symbolic link (nothing is written then); ``RenderError/output(path:reason:)`` when it cannot be written.
    @discardableResult
    public static func write(_ bundle: RenderedBundle, to directory: String) throws(RenderError) -> [String] {
        let root = try openOutput(directory, create: true)
        defer { close(root) }
        for file in bundle.files { try refuseLinks(file.path, under: root, directory: directory) }
        var changed: [String] = []
        for file in bundle.files {
            let components = file.path.split(separator: "/").map(String.init)
            let parent = try openParent(components, under: root, directory: directory, create: true)
            defer { if parent != root { close(parent) } }
            let name = components.last!
            let data = Array(file.contents.utf8)
            let mode: mode_t = file.executable ? 0o755 : 0o644
            if let existing = readFile(name, in: parent), existing.bytes == data, existing.mode == mode { continue }
            let temporary = ".\(name).vigie-\(getpid())"
            unlinkat(parent, temporary, 0)
            let fd = openat(parent, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            guard fd >= 0 else {
                throw RenderError.output(path: join(directory, file.path), reason: "cannot create: \(errorText())")
            }
            var failure: String?
            if fchmod(fd, mode) != 0 { failure = errorText() }
            var offset = 0
            while failure == nil, offset < data.count {
                let written = data.withUnsafeBytes { vigie_write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errorText()
                } else {
                    offset += written
                }
            }
            if failure == nil, fsync(fd) != 0 { failure = errorText() }
            close(fd)
            if failure == nil, renameat(parent, temporary, parent, name) != 0 { failure = errorText() }
            if let failure {
                unlinkat(parent, temporary, 0)
                throw RenderError.output(path: join(directory, file.path), reason: failure)
            }
            changed.append(file.path)
        }
        return changed
    }

    /// What differs between the bundle and the directory: missing files, changed content (with a
    /// unified diff, directory first), changed modes.
    ///
    /// - Throws: ``RenderError/link(path:)`` when the directory or a path of the bundle in it is a symbolic
    ///   link; ``RenderError/output(path:reason:)`` when the directory cannot be read.
    public static func check(_ bundle: RenderedBundle, against directory: String) throws(RenderError) -> [Drift] {
        let root: Int32
        do {
            root = try openOutput(directory, create: false)
        } catch RenderError.output(_, let reason) where reason == "does not exist" {
            return bundle.files.map { Drift(path: $0.path, kind: .missing) }
        }
        defer { close(root) }
        for file in bundle.files { try refuseLinks(file.path, under: root, directory: directory) }
        var drifts: [Drift] = []
        for file in bundle.files {
            let components = file.path.split(separator: "/").map(String.init)
            guard let parent = try? openParent(components, under: root, directory: directory, create: false) else {
                drifts.append(Drift(path: file.path, kind: .missing))
                continue
            }
            defer { if parent != root { close(parent) } }
            guard let existing = readFile(components.last!, in: parent) else {
                drifts.append(Drift(path: file.path, kind: .missing))
                continue
            }
            let found = String(decoding: existing.bytes, as: UTF8.self)
            if existing.bytes != Array(file.contents.utf8) {
                let diff = LineDiff.unified(
                    old: found,
                    new: file.contents,
                    oldName: "\(file.path) (on disk)",
                    newName: "\(file.path) (rendered)"
                )
                drifts.append(Drift(path: file.path, kind: .changed(diff: diff)))
            }
            let expected: mode_t = file.executable ? 0o755 : 0o644
            if existing.mode != expected {
                drifts.append(
                    Drift(
                        path: file.path,
                        kind: .mode(expected: String(expected, radix: 8), found: String(existing.mode, radix: 8))
                    )
                )
            }
        }
        return drifts
    }

    // MARK: Descriptors

    static func errorText() -> String { String(cString: strerror(errno)) }

    static func join(_ directory: String, _ path: String) -> String {
        directory.hasSuffix("/") ? directory + path : "\(directory)/\(path)"
    }

    /// The output directory without trailing `/` and `/.`: with them, `open` would resolve a link at the
    /// last component whatever O_NOFOLLOW says (`--out link/`).
    static func lastComponentPath(_ directory: String) -> String {
        var path = directory
        while true {
            if path.count > 1, path.hasSuffix("/") {
                path.removeLast()
            } else if path.count > 2, path.hasSuffix("/.") {
                path.removeLast(2)
            } else if path == "." || path.isEmpty {
                return "."
            } else {
                return path
            }
        }
    }

    /// The output directory, opened without following a link at its last component.
    static func openOutput(_ given: String, create: Bool) throws(RenderError) -> Int32 {
        let directory = lastComponentPath(given)
        var fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0, errno == ENOENT, create {
            // Missing parents are made the ordinary way: they are the user's file system, not the bundle.
            let parent = (directory as NSString).deletingLastPathComponent
            if !parent.isEmpty {
                try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            if mkdir(directory, 0o755) != 0, errno != EEXIST {
                throw RenderError.output(path: directory, reason: "cannot create: \(errorText())")
            }
            fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP || isLink(directory) { throw RenderError.link(path: directory) }
            if code == ENOENT { throw RenderError.output(path: directory, reason: "does not exist") }
            if code == ENOTDIR { throw RenderError.output(path: directory, reason: "not a directory") }
            throw RenderError.output(path: directory, reason: String(cString: strerror(code)))
        }
        return fd
    }

    static func isLink(_ path: String) -> Bool {
        var buffer = [CChar](repeating: 0, count: 2)
        return readlink(path, &buffer, 1) >= 0
    }

    static func isLink(_ name: String, in directory: Int32) -> Bool {
        var buffer = [CChar](repeating: 0, count: 2)
        return readlinkat(directory, name, &buffer, 1) >= 0
    }

    /// Refuses the bundle path `path` when any of its components is a symbolic link in the directory.
    static func refuseLinks(_ path: String, under root: Int32, directory: String) throws(RenderError) {
        let components = path.split(separator: "/").map(String.init)
        var current = root
        defer { if current != root { close(current) } }
        for (index, component) in components.enumerated() {
            let prefix = components[0...index].joined(separator: "/")
            if isLink(component, in: current) { throw RenderError.link(path: join(directory, prefix)) }
            guard index < components.count - 1 else { break }
            let next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return }  // not there yet: nothing below it can be a link
            if current != root { close(current) }
            current = next
        }
    }

    /// The directory holding the last component of `components`, opened (and made) one component at a time.
    static func openParent(
        _ components: [String],
        under root: Int32,
        directory: String,
        create: Bool
    ) throws(RenderError) -> Int32 {
        var current = root
        for (index, component) in components.dropLast().enumerated() {
            var next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, create {
                if mkdirat(current, component, 0o755) != 0, errno != EEXIST {
                    let reason = errorText()
                    if current != root { close(current) }
                    throw RenderError.output(
                        path: join(directory, components[0...index].joined(separator: "/")),
                        reason: "cannot create: \(reason)"
                    )
                }
                next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let code = errno
            if current != root { close(current) }
            let prefix = join(directory, components[0...index].joined(separator: "/"))
            guard next >= 0 else {
                if code == ELOOP { throw RenderError.link(path: prefix) }
                throw RenderError.output(path: prefix, reason: String(cString: strerror(code)))
            }
            current = next
        }
        return current
    }

    /// The bytes and permission bits of a regular file, `nil` when there is none (a link is never opened).
    static func readFile(_ name: String, in directory: Int32) -> (bytes: [UInt8], mode: mode_t)? {
        let fd = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { vigie_read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 64 << 20 { return nil }
        }
        guard let mode = permissionBits(fd) else { return nil }
        return (bytes, mode)
    }

    /// The permission bits of an open file, through its descriptor (never its path, which may have changed).
    static func permissionBits(_ fd: Int32) -> mode_t? {
        let mode = vigie_fd_mode(fd)
        guard mode >= 0, vigie_mode_is_regular(mode) != 0 else { return nil }
        return mode_t(mode & 0o7777)
    }

    /// The permission bits at `path` (following links), for tests and messages.
    static func currentMode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber).map {
            $0.intValue & 0o7777
        }
    }
}
