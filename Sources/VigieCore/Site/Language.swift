/// The language of the reports Vigie writes for a site.
public enum Language: String, Sendable, Hashable, CaseIterable {
    case fr
    case en
}
