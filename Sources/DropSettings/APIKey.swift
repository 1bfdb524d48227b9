/// The HeyGen API key, and where it was read from.
///
/// Its `description`, `debugDescription` and reflection (`dump`, `print` of a containing value) show
/// `<redacted>`, never the key, so it can be logged or printed by accident without leaking.
/// Only `value` gives the key; use it for the `X-Api-Key` header and nothing else.
public struct APIKey: Sendable, Hashable {
    /// The key itself. Never log it.
    public let value: String
    /// Where the key came from, safe to log: e.g. `--api-key-file /etc/key`, `HEYGEN_API_KEY`,
    /// `systemd credential heygen-api-key`.
    public let source: String

    /// Wraps `value`, read from `source` (a short human label, shown in logs instead of the key).
    public init(_ value: String, source: String = "given") {
        self.value = value
        self.source = source
    }
}

extension APIKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror showing only the source and `<redacted>` in place of the key.
    public var customMirror: Mirror {
        Mirror(self, children: ["value": "<redacted>", "source": source], displayStyle: .struct)
    }
}
