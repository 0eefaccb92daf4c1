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

extension Duration {
    /// Milliseconds as a floating-point number, for display and JSON.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// The duration the way people read it in a table: `12 ms`, `1.2 s`.
    public var humanReadable: String {
        let ms = milliseconds
        if ms < 10 { return "\(oneDecimal(ms)) ms" }
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        return "\(oneDecimal(ms / 1000)) s"
    }

    private func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
