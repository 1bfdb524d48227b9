/// How the daemon writes its log lines: human-readable text or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}
