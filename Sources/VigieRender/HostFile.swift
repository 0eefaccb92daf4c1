import Foundation
public import VigieCore

/// A file of the bundle that provisioning installs on the host.
struct HostFile: Sendable {
    var source: String
    var destination: String
    var mode: String
    var what: String

    init(_ source: String, _ destination: String, _ mode: String, _ what: String) {
        self.source = source
        self.destination = destination
        self.mode = mode
        self.what = what
    }
}
