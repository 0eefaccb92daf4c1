public enum Vigie { public static let version = "0.1.0" }
