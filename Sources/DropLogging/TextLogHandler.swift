import Logging

/// A swift-log handler writing one human-readable line per message:
///
///     2026-11-24T12:00:00.123Z info heygen-dropd: uploaded file=report.pdf job=17
///
/// Metadata follows the message as `key=value`, keys sorted; a value with spaces, quotes, `=` or
/// control characters (or an empty one) is written as a JSON string literal. Control characters in
/// the message are escaped, so a message never spans lines.
///
/// In journal mode the timestamp is left out (journald stamps each entry) and the line starts with
/// the syslog priority journald understands: `<6>info heygen-dropd: uploaded file=report.pdf job=17`.
public struct TextLogHandler: LogHandler {
    /// Handler-wide metadata, added to every line (overridden by the call's own metadata).
    public var metadata: Logger.Metadata = [:]
    /// Messages below this level are not written.
    public var logLevel: Logger.Level
    /// Supplies context metadata (e.g. from task locals) for each message.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let journal: Bool
    private let write: @Sendable (String) -> Void

    /// A handler for loggers labelled `label`, passing each finished line (ending in a newline) to
    /// `write`; `journal` selects the journald form (priority prefix, no timestamp).
    public init(
        label: String,
        level: Logger.Level = .info,
        journal: Bool = false,
        metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.logLevel = level
        self.journal = journal
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// Handler-wide metadata for one key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the event as one line and passes it to the sink.
    public func log(event: LogEvent) {
        let merged = LogLine.effectiveMetadata(handler: metadata, provider: metadataProvider, event: event)
        var line = ""
        if journal {
            line += "<\(LogLine.syslogPriority(event.level))>"
        } else {
            line += LogLine.timestamp()
            line += " "
        }
        line += event.level.rawValue
        line += " "
        line += label
        line += ": "
        line += Self.escapingControlCharacters("\(event.message)")
        for key in merged.keys.sorted() {
            line += " "
            line += key
            line += "="
            line += Self.formatValue(merged[key]!)
        }
        line += "\n"
        write(line)
    }

    static func formatValue(_ value: Logger.Metadata.Value) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .stringConvertible(let convertible): text = convertible.description
        case .dictionary, .array: text = value.description
        }
        return needsQuoting(text) ? LogLine.jsonString(text) : text
    }

    private static func needsQuoting(_ text: String) -> Bool {
        if text.isEmpty { return true }
        return text.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.value < 0x20
                || scalar.value == 0x7F || scalar.properties.isWhitespace
        }
    }

    private static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
