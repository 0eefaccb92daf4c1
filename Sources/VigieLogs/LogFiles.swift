import Foundation

#if canImport(Glibc)
    import Glibc
#endif
import VigieCore

/// Opening and atomically rewriting log files for `vigie logs anonymize`.
public enum LogFiles {
    /// Runs `body` with a read-only descriptor of `path`.
    public static func withOpenFile(
        _ path: String,
        _ body: (Int32) throws(LogStream.Failure) -> Void
    ) throws(LogStream.Failure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw LogStream.Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        try body(fd)
    }

    /// Rewrites `path` with its anonymised content: a temporary file in the same directory, fsync,
    /// then rename over the original (same permissions). On any error the original is untouched.
    public static func anonymizeInPlace(_ path: String, with anonymizer: inout LogAnonymizer) throws(LogStream.Failure)
    {
        // attributesOfItem does not follow a symbolic link: a link is refused, not rewritten.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw LogStream.Failure(description: "cannot read \(path): \(String(cString: strerror(ENOENT)))")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw LogStream.Failure(description: "\(path) is not a regular file (symlinks are not rewritten)")
        }
        // The rename replaces one name; another hard link to the file would keep the clear text.
        if let links = (attributes[.referenceCount] as? NSNumber)?.intValue, links > 1 {
            throw LogStream.Failure(
                description:
                    "\(path) has \(links) hard links: rewriting it in place would leave the clear text under the other names; anonymize a copy, or remove the other links first"
            )
        }
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint32Value ?? 0o640
        let owner = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value
        let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value
        let directory = (path as NSString).deletingLastPathComponent
        var template = Array(((directory.isEmpty ? "." : directory) + "/.vigie-anonymize-XXXXXX").utf8CString)
        let out = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard out >= 0 else {
            throw LogStream.Failure(
                description: "cannot create a temporary file next to \(path): \(String(cString: strerror(errno)))"
            )
        }
        let temporary = String(cString: template)
        var renamed = false
        var closed = false
        defer {
            if !closed { close(out) }
            if !renamed { unlink(temporary) }
        }
        try withOpenFile(path) { fd throws(LogStream.Failure) in
            try LogStream.anonymize(&anonymizer, input: fd, output: out, name: path)
        }
        guard fchmod(out, mode_t(permissions & 0o7777)) == 0, fsync(out) == 0 else {
            throw LogStream.Failure(description: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        if let owner, let group { _ = fchown(out, owner, group) }
        close(out)
        closed = true
        guard rename(temporary, path) == 0 else {
            throw LogStream.Failure(description: "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        renamed = true
    }
}
