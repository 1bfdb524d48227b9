/// The kind of a sidecar file that travels with a dropped file.
public enum SidecarKind: String, Sendable, CaseIterable {
    /// `NAME.prompt` beside a file, `prompt.txt` inside a bundle: UTF-8 text, the Video Agent prompt.
    case prompt
    /// `NAME.agent.json` beside a file, `agent.json` inside a bundle: a JSON object of Video Agent fields
    /// (takes precedence over the prompt).
    case agentJSON = "agent_json"
    /// `NAME.translate.json` beside a video: a JSON object of translation fields with `output_languages`
    /// ("after uploading, translate it"). Never together with a prompt sidecar.
    case translateJSON = "translate_json"

    /// The name ending of this sidecar beside its file: `.prompt`, `.agent.json`.
    public var suffix: String {
        switch self {
        case .prompt: ".prompt"
        case .agentJSON: ".agent.json"
        case .translateJSON: ".translate.json"
        }
    }

    /// The name of this sidecar inside a bundle: `prompt.txt`, `agent.json`.
    public var bundleName: String {
        switch self {
        case .prompt: "prompt.txt"
        case .agentJSON: "agent.json"
        case .translateJSON: "translate.json"
        }
    }

    /// True for the JSON kinds (`agent.json`, `translate.json`), false for prompt text.
    public var isJSON: Bool { self != .prompt }
}

/// The naming rules of the inbox folder: the names left alone, and how sidecars and bundle sidecars are
/// named. The one place these rules live: the watcher, the intake and the sidecar reader all ask here.
public enum DropRules {
    /// Name endings (compared without regard to case) that mark temporary or partial files.
    static let ignoredExtensions = [".tmp", ".part", ".partial", ".crdownload", ".swp"]

    /// The Video Agent sidecar kinds, the one that takes precedence first (`.agent.json` before `.prompt`).
    public static let sidecarPrecedence: [SidecarKind] = [.agentJSON, .prompt]
    /// Every sidecar kind: the Video Agent ones in their precedence, then `.translate.json`.
    public static let sidecarKinds: [SidecarKind] = sidecarPrecedence + [.translateJSON]

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
        for kind in sidecarKinds where name.hasSuffix(kind.suffix) {
            let target = String(name.dropLast(kind.suffix.count))
            return target.isEmpty ? nil : (target, kind)
        }
        return nil
    }

    /// The name of the sidecar of `kind` beside the entry `name`: `report.pdf` → `report.pdf.prompt`.
    public static func sidecarName(for name: String, kind: SidecarKind) -> String {
        name + kind.suffix
    }

    /// The sidecar names that may sit beside the entry `name`, the one that takes precedence first:
    /// `x` → [`x.agent.json`, `x.prompt`, `x.translate.json`].
    public static func sidecarNames(for name: String) -> [String] {
        sidecarKinds.map { sidecarName(for: name, kind: $0) }
    }

    /// The names of the sidecars inside a bundle (`agent.json`, `prompt.txt`): never uploaded as members. (A
    /// bundle makes one Video Agent video; translations are of single video files.)
    public static let bundleSidecarNames: Set<String> = Set(sidecarPrecedence.map(\.bundleName))
}
