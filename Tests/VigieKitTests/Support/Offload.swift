import Foundation
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// CPU-heavy test work on a thread of its own.
///
/// Swift Testing runs the suite's tests on Swift's cooperative pool, which has as many threads as the
/// machine has cores — two here. A test that renders hundreds of bundles or pseudonymises thousands of
/// lines on one of them starves every other test's tasks for that long, and tests that measure time
/// (a restart command's timeout, a probe's deadline) fail for it. Offloaded, the work competes for the
/// cores like any process, and the pool stays free.
enum Offload {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }
}
