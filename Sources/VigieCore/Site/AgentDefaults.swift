/// Where `vigie serve` listens and keeps its data unless told otherwise: the agent uses them, and the
/// bundle renders them (Prometheus scrapes this address; systemd's unit names this directory).
public enum AgentDefaults {
    public static let host = "127.0.0.1"
    public static let port = 9470
    public static let dataDirectory = "/var/lib/vigie"
    public static let idleTimeout: Duration = .seconds(15)
}
