internal import CVigieBuild

public enum Vigie {
    /// The version this binary was built as (`git describe` in a package, the base version otherwise).
    public static let version = String(cString: vigie_build_version())
}
