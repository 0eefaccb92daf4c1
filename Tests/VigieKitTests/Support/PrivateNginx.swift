import Foundation
import VigieCore
import VigieRender
import VigieLogs
import VigieKit

/// A real nginx started for one test alone (so it can be stopped without touching the shared lab).
final class PrivateNginx: @unchecked Sendable {
    let port: Int
    let directory: URL
    let daemon: Daemon

    init(port: Int) throws {
        self.port = port
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-nginx-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        let config = """
            worker_processes 1;
            daemon off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                server { listen 127.0.0.1:\(port); location / { return 200 "ok\\n"; } }
            }
            """
        try config.write(to: directory.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        daemon = try Daemon(
            "/usr/sbin/nginx",
            ["-p", path, "-e", "\(path)/error.log", "-c", "\(path)/nginx.conf"],
            name: "nginx"
        )
    }

    func stop() async {
        await daemon.stop()
    }

    deinit {
        if daemon.isRunning { kill(daemon.pid, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}
