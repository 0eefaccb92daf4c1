import Foundation
public import VigieCore

/// A file cloud-init writes: gzip then base64 (`encoding: gz+b64`), so that no file's text can break
/// the YAML and the user-data stays well under OpenStack's limit (65,535 bytes once base64-encoded
/// by the API client; the plain base64 of every file would exceed it).
struct CloudInitFile {
    var path: String
    var permissions: String
    var contentGzipBase64: String

    init(path: String, permissions: String, content: String) throws(RenderError) {
        self.path = path
        self.permissions = permissions
        do {
            contentGzipBase64 = Data(try Gzip.compress(Array(content.utf8))).base64EncodedString()
        } catch {
            throw RenderError.template(name: "cloud-init/user-data.yaml", reason: "\(path): \(error)")
        }
    }
}
