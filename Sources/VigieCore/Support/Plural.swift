/// Counts in human output: "1 service", "2 services".
public enum Plural {
    /// `count` followed by `singular`, or by `plural` (default: `singular` + "s") when count is not 1.
    public static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }

    /// French counts: 0 and 1 take the singular ("0 fichier", "1 fichier", "2 fichiers").
    public static func french(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count < 2 ? singular : plural ?? singular + "s")"
    }
}
