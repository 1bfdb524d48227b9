/// The kind of a sidecar file that travels with a dropped file.
public enum SidecarKind: String, Sendable {
    /// `NAME.prompt`: UTF-8 text, the Video Agent prompt.
    case prompt
    /// `NAME.agent.json`: a JSON object of Video Agent fields (takes precedence over `.prompt`).
    case agentJSON = "agent_json"
}

/// The naming rules of the inbox folder.
public enum DropRules {
    /// Name endings (compared without regard to case) that mark temporary or partial files.
    static let ignoredExtensions = [".tmp", ".part", ".partial", ".crdownload", ".swp"]

    /// Sidecar name endings, most specific first.
    static let sidecarSuffixes: [(suffix: String, kind: SidecarKind)] = [
        (".agent.json", .agentJSON),
        (".prompt", .prompt),
    ]

    /// True when an entry of this name must be left alone: an empty name, names starting with `.`
    /// (rsync/scp/editor temp files), ending in `~`, or ending in `.tmp`, `.part`, `.partial`,
    /// `.crdownload`, `.swp` (in any letter case).
    public static func isIgnoredName(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix(".") || name.hasSuffix("~") {
            return true
        }
        let lowered = name.lowercased()
        return ignoredExtensions.contains { lowered.hasSuffix($0) }
    }

    /// For a sidecar name, the name of the entry it belongs to and the sidecar's kind:
    /// `report.pdf.prompt` → (`report.pdf`, `.prompt`), `x.agent.json` → (`x`, `.agentJSON`).
    /// Nil for any other name (including a bare `.prompt` with nothing before it).
    public static func sidecarTarget(of name: String) -> (target: String, kind: SidecarKind)? {
        for (suffix, kind) in sidecarSuffixes where name.hasSuffix(suffix) {
            let target = String(name.dropLast(suffix.count))
            return target.isEmpty ? nil : (target, kind)
        }
        return nil
    }
}
