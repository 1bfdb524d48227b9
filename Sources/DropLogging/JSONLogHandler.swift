import Logging

/// A swift-log handler writing one JSON object per line, for log shippers:
///
///     {"time":"2026-11-24T12:00:00.123Z","level":"info","message":"uploaded","label":"heygen-dropd","file":"report.pdf","job":"17"}
///
/// `time` (UTC, milliseconds), `level`, `message` and `label` come first; metadata follows flattened
/// as top-level keys (sorted), so `job` and `file` can be queried directly. A metadata key that would
/// clash with those four is written as `meta.KEY`. String values stay strings; integers, finite
/// floating-point numbers and booleans given as `.stringConvertible` become JSON numbers/booleans;
/// nested dictionaries and arrays become JSON objects and arrays. An attached error is `error`.
///
/// In journal mode the line starts with a `<N>` syslog priority, which journald strips (setting the
/// entry's priority), so the journal's MESSAGE is still exactly the JSON object.
public struct JSONLogHandler: LogHandler {
    /// Handler-wide metadata, added to every object (overridden by the call's own metadata).
    public var metadata: Logger.Metadata = [:]
    /// Messages below this level are not written.
    public var logLevel: Logger.Level
    /// Supplies context metadata (e.g. from task locals) for each message.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let journal: Bool
    private let write: @Sendable (String) -> Void

    /// The keys every object starts with; metadata cannot replace them.
    public static let reservedKeys: Set<String> = ["time", "level", "message", "label"]

    /// A handler for loggers labelled `label`, passing each finished line (ending in a newline) to
    /// `write`; `journal` adds the `<N>` priority prefix journald reads.
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

    /// Formats the event as one JSON object on one line and passes it to the sink.
    public func log(event: LogEvent) {
        let merged = LogLine.effectiveMetadata(handler: metadata, provider: metadataProvider, event: event)
        var line = journal ? "<\(LogLine.syslogPriority(event.level))>" : ""
        line += "{\"time\":"
        line += LogLine.jsonString(LogLine.timestamp())
        line += ",\"level\":"
        line += LogLine.jsonString(event.level.rawValue)
        line += ",\"message\":"
        line += LogLine.jsonString("\(event.message)")
        line += ",\"label\":"
        line += LogLine.jsonString(label)
        for key in merged.keys.sorted() {
            let name = Self.reservedKeys.contains(key) ? "meta." + key : key
            line += ","
            line += LogLine.jsonString(name)
            line += ":"
            Self.appendJSON(merged[key]!, to: &line)
        }
        line += "}\n"
        write(line)
    }

    private static func appendJSON(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let string):
            out += LogLine.jsonString(string)
        case .stringConvertible(let convertible):
            out += jsonScalar(convertible) ?? LogLine.jsonString(convertible.description)
        case .dictionary(let dictionary):
            out += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                out += LogLine.jsonString(key)
                out += ":"
                appendJSON(dictionary[key]!, to: &out)
            }
            out += "}"
        case .array(let array):
            out += "["
            for (index, element) in array.enumerated() {
                if index > 0 { out += "," }
                appendJSON(element, to: &out)
            }
            out += "]"
        }
    }

    /// A bare JSON number or boolean for values that are one, else nil.
    private static func jsonScalar(_ value: any CustomStringConvertible & Sendable) -> String? {
        switch value {
        case let bool as Bool:
            return bool ? "true" : "false"
        case let integer as any BinaryInteger:
            return integer.description
        case let double as Double:
            return double.isFinite ? double.description : nil
        case let float as Float:
            return float.isFinite ? float.description : nil
        default:
            return nil
        }
    }
}
