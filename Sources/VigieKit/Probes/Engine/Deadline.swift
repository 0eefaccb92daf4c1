import VigieCore

/// Runs work against a deadline: the probe budget of a check.

enum Deadline {
    /// Runs `body`, cancelling it at `deadline`.
    ///
    /// - Returns: the result, or `nil` when the deadline came first.
    static func run<T: Sendable>(
        until deadline: ContinuousClock.Instant,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { return nil }
            return first
        }
    }
}
