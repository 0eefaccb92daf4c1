import NIOConcurrencyHelpers
import NIOCore

/// Runs a conversation on a channel against a deadline by closing the channel when it comes: the
/// conversation's reads and writes then end, and the answer is `nil`. One timer on the channel's own
/// event loop; no task raced against a sleeping one (Deadline), whose wake-up came on another thread.
enum ChannelDeadline {
    /// Runs `body`, closing `channel` at `deadline`.
    ///
    /// - Returns: the result, or `nil` when the deadline came first (whatever `body` returned or threw after it).
    static func run<T: Sendable>(
        _ channel: any Channel,
        until deadline: ContinuousClock.Instant,
        _ body: () async throws -> T
    ) async throws -> T? {
        let remaining = deadline - .now
        guard remaining > .zero else { return nil }
        let expired = NIOLockedValueBox(false)
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(remaining)) {
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            let value = try await body()
            return expired.withLockedValue { $0 } ? nil : value
        } catch {
            if expired.withLockedValue({ $0 }) { return nil }
            throw error
        }
    }
}
