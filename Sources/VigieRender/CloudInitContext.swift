import Foundation
public import VigieCore

struct CloudInitContext {
    var files: [CloudInitFile]
}
