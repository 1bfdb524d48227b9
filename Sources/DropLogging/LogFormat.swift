import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How the daemon writes its log lines to stderr: `text` (one human-readable line per message) or
/// `json` (one JSON object per line). Parsed from the `--log-format` / `HEYGEN_DROPD_LOG_FORMAT`
/// values "text" and "json".
public enum LogFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `2026-11-24T12:00:00.123Z info heygen-dropd: message key=value`; see `TextLogHandler`.
    case text
    /// `{"time":"…","level":"info","message":"…","label":"…","key":"value"}`; see `JSONLogHandler`.
    case json

    /// Parses "text" or "json", ignoring case and surrounding blanks; nil for anything else.
    public init?(parsing value: String) {
        let trimmed = value.trimmingBlanks().lowercased()
        self.init(rawValue: trimmed)
    }

    /// The setting's spelling ("text" or "json").
    public var description: String { rawValue }

    /// A handler of this format for `label`, writing each finished line (newline included) to `write`.
    /// With `journal`, lines start with a `<N>` syslog priority prefix that journald turns into the
    /// entry's priority (and the text format leaves out its timestamp: journald adds its own).
    public func makeHandler(
        label: String,
        level: Logger.Level,
        journal: Bool,
        write: @escaping @Sendable (String) -> Void
    ) -> any LogHandler {
        switch self {
        case .text: return TextLogHandler(label: label, level: level, journal: journal, write: write)
        case .json: return JSONLogHandler(label: label, level: level, journal: journal, write: write)
        }
    }

    /// Whether stderr is a journald stream, as systemd documents it: `JOURNAL_STREAM` holds
    /// "DEVICE:INODE" of the stream, and it matches `fstat(2)` of file descriptor 2.
    public static func standardErrorIsJournal(environment: [String: String]) -> Bool {
        isJournalStream(environment["JOURNAL_STREAM"], fileDescriptor: STDERR_FILENO)
    }

    /// Whether `fileDescriptor` is the stream `journalStream` ("DEVICE:INODE", decimal) names.
    /// False when the value is nil or malformed, or the descriptor cannot be inspected.
    public static func isJournalStream(_ journalStream: String?, fileDescriptor: Int32) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Writes `line` to stderr in one `write(2)` (continuing after a partial write or EINTR); errors
    /// are ignored, there is nowhere left to report them.
    @Sendable
    public static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = write(STDERR_FILENO, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

// MARK: - Shared by the handlers

/// Pieces both log handlers use.
enum LogLine {
    /// The syslog priority journald reads from a `<N>` prefix: 7 debug (and trace), 6 info, 5 notice,
    /// 4 warning, 3 error, 2 critical.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    /// The metadata of one event: the handler's own, then the provider's, then the call's, later ones
    /// winning; an attached error shows as `error`.
    static func effectiveMetadata(
        handler: Logger.Metadata,
        provider: Logger.MetadataProvider?,
        event: LogEvent
    ) -> Logger.Metadata {
        var metadata = handler
        if let provided = provider?.get(), !provided.isEmpty {
            metadata.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            metadata.merge(explicit) { _, new in new }
        }
        if let error = event.error, metadata["error"] == nil {
            metadata["error"] = .string("\(error)")
        }
        return metadata
    }

    /// The current time in UTC with milliseconds: `2026-11-24T12:00:00.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return timestamp(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// `seconds` since the epoch plus `milliseconds`, formatted as `2026-11-24T12:00:00.123Z`.
    static func timestamp(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var out = ""
        out.reserveCapacity(24)
        append(&out, Int(parts.tm_year) + 1900, width: 4)
        out += "-"
        append(&out, Int(parts.tm_mon) + 1, width: 2)
        out += "-"
        append(&out, Int(parts.tm_mday), width: 2)
        out += "T"
        append(&out, Int(parts.tm_hour), width: 2)
        out += ":"
        append(&out, Int(parts.tm_min), width: 2)
        out += ":"
        append(&out, Int(parts.tm_sec), width: 2)
        out += "."
        append(&out, milliseconds, width: 3)
        out += "Z"
        return out
    }

    private static func append(_ out: inout String, _ value: Int, width: Int) {
        let digits = String(value)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }

    /// `text` as a JSON string literal (quotes included), escaped per RFC 8259.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    fileprivate func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
