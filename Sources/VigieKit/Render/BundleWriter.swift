import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

    /// Writes every file (atomically: a temporary file in the same directory, then a rename) with
    /// its mode. Files of the directory that the bundle does not hold (terraform.tfvars, state,
    /// `bin/vigie`) are left alone. Returns the paths whose content or mode changed.
    @discardableResult
    public static func write(_ bundle: RenderedBundle, to directory: String) throws(RenderError) -> [String] {
        let manager = FileManager.default
        var changed: [String] = []
        for file in bundle.files {
            let path = (directory as NSString).appendingPathComponent(file.path)
            let parent = (path as NSString).deletingLastPathComponent
            let data = Data(file.contents.utf8)
            let mode = file.executable ? 0o755 : 0o644
            do {
                try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                if let existing = manager.contents(atPath: path), existing == data, currentMode(path) == mode { continue }
                let temporary = (parent as NSString).appendingPathComponent(".\((file.path as NSString).lastPathComponent).vigie-\(getpid())")
                guard manager.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: mode]) else {
                    throw RenderError.output(path: temporary, reason: "cannot create")
                }
                if rename(temporary, path) != 0 {
                    let reason = String(cString: strerror(errno))
                    try? manager.removeItem(atPath: temporary)
                    throw RenderError.output(path: path, reason: reason)
                }
                changed.append(file.path)
            } catch let error as RenderError {
                throw error
            } catch {
                throw RenderError.output(path: path, reason: error.localizedDescription)
            }
        }
        return changed
    }

    /// What differs between the bundle and the directory: missing files, changed content (with a
    /// unified diff, directory first), changed modes.
    public static func check(_ bundle: RenderedBundle, against directory: String) -> [Drift] {
        var drifts: [Drift] = []
        for file in bundle.files {
            let path = (directory as NSString).appendingPathComponent(file.path)
            guard let data = FileManager.default.contents(atPath: path) else {
                drifts.append(Drift(path: file.path, kind: .missing))
                continue
            }
            let found = String(decoding: data, as: UTF8.self)
            if found != file.contents {
                let diff = LineDiff.unified(old: found, new: file.contents, oldName: "\(file.path) (on disk)", newName: "\(file.path) (rendered)")
                drifts.append(Drift(path: file.path, kind: .changed(diff: diff)))
            }
            let expected = file.executable ? 0o755 : 0o644
            if let mode = currentMode(path), mode != expected {
                drifts.append(Drift(path: file.path, kind: .mode(expected: String(expected, radix: 8), found: String(mode, radix: 8))))
            }
        }
        return drifts
    }

    static func currentMode(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber).map { $0.intValue & 0o7777 }
    }
}
