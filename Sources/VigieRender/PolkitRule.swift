public import VigieCore

/// The polkit rule that lets the `vigie` user restart exactly the units the site declares for
/// remediation, and nothing else.
///
/// `vigie serve` runs as `vigie` with `NoNewPrivileges`: its `systemctl restart UNIT` asks systemd over
/// D-Bus, and systemd asks polkit for `org.freedesktop.systemd1.manage-units`, with the unit and the
/// verb as details. The rule answers yes for each (unit, verb) pair a service's `remediation` runs
/// through systemctl, and does not decide anything else (another rule, or polkit's default: refuse).
/// vigie.service writes it from the site in force before it starts and on each reload
/// (`vigie watchdog polkit-rule --install`), so the rule follows the site file.
public enum PolkitRule {
    /// Where polkit reads the rules of the administrator (polkitd 122, Debian 12).
    public static let directory = "/etc/polkit-1/rules.d"
    public static let fileName = "50-vigie.rules"
    /// The user `vigie serve` runs as (vigie.service, the package's sysusers.d entry).
    public static let user = "vigie"

    /// One unit `vigie` may act on, with one verb.
    public struct Grant: Sendable, Hashable {
        /// The full unit name, as systemctl sends it to systemd (`prosody.service`).
        public var unit: String
        /// `restart`, `try-restart` or `reload-or-restart`: the polkit detail `verb`.
        public var verb: String
        public var service: String
    }

    /// The suffixes systemctl keeps; any other name gets `.service` appended, as systemctl does.
    static let unitTypes: Set<String> = [
        "service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path", "slice", "scope",
    ]

    /// The unit name systemctl sends for a name given on its command line (valid names only: the site
    /// loader refuses the others).
    public static func fullUnitName(_ name: String) -> String {
        if let dot = name.lastIndex(of: "."), unitTypes.contains(String(name[name.index(after: dot)...])) {
            return name
        }
        return "\(name).service"
    }

    /// The (unit, verb) pairs the site's remediation runs through systemctl, and the services whose
    /// restart goes through a program of their own (the rule cannot speak for those).
    public static func grants(site: Site) -> (grants: [Grant], ownPrograms: [String]) {
        var grants: [Grant] = []
        var ownPrograms: [String] = []
        for service in site.services {
            guard let policy = service.remediation, let program = policy.command.first else { continue }
            let name = program.split(separator: "/").last.map(String.init) ?? program
            if name == "systemctl", policy.command.count == 3 {
                let grant = Grant(unit: fullUnitName(policy.command[2]), verb: policy.command[1], service: service.name)
                if !grants.contains(where: { $0.unit == grant.unit && $0.verb == grant.verb }) { grants.append(grant) }
            } else {
                ownPrograms.append(service.name)
            }
        }
        return (grants, ownPrograms)
    }

    /// The rule file for the site (JavaScript, as polkit reads it). Every value is a JSON string
    /// literal: unit names are checked by the site loader, and escaped here all the same.
    public static func render(site: Site, sitePath: String) -> String {
        let (grants, ownPrograms) = grants(site: site)
        var lines = [
            "// Written by `vigie watchdog polkit-rule` from \(commentText(sitePath)) (vigie.service writes it",
            "// again at each start and reload): the user \(user) may restart these units, nothing else.",
        ]
        if grants.isEmpty {
            lines.append("// The site declares no restart through systemctl: this rule allows nothing.")
        }
        for service in ownPrograms {
            lines.append(
                "// Service \(commentText(service)) restarts through a program of its own: give that program its rights."
            )
        }
        lines.append("polkit.addRule(function (action, subject) {")
        lines.append(
            "    if (action.id !== \"org.freedesktop.systemd1.manage-units\" || subject.user !== \(literal(user))) {"
        )
        lines.append("        return polkit.Result.NOT_HANDLED;")
        lines.append("    }")
        lines.append("    var allowed = [")
        for grant in grants {
            lines.append(
                "        [\(literal(grant.unit)), \(literal(grant.verb))],  // service \(commentText(grant.service))"
            )
        }
        lines.append("    ];")
        lines.append("    var unit = action.lookup(\"unit\"), verb = action.lookup(\"verb\");")
        lines.append("    for (var i = 0; i < allowed.length; i++) {")
        lines.append("        if (allowed[i][0] === unit && allowed[i][1] === verb) { return polkit.Result.YES; }")
        lines.append("    }")
        lines.append("    return polkit.Result.NOT_HANDLED;")
        lines.append("});")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JavaScript string literal: quotes, backslashes, control and non-ASCII characters escaped.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return out + "\""
    }

    /// Text safe inside a `//` comment: printable ASCII only, everything else as `?`.
    static func commentText(_ text: String) -> String {
        String(text.unicodeScalars.map { (" "..."~").contains($0) ? Character($0) : "?" })
    }
}
