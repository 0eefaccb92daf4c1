extension Duration {
    /// Seconds as a floating-point number, for metrics.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

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
