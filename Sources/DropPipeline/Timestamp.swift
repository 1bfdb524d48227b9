import Foundation

/// RFC 3339 timestamps in UTC, as used in results and JSON logs.
public enum Timestamp {
    /// `2026-11-24T12:00:03Z` (whole seconds) or with milliseconds when `fractional` is set.
    public static func rfc3339(_ date: Date, fractional: Bool = false) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: .gmt)
        if fractional { style = style.time(includingFractionalSeconds: true) }
        return date.formatted(style)
    }

    /// Parses an RFC 3339 UTC timestamp with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text) { return date }
        return try? Date.ISO8601FormatStyle(timeZone: .gmt).time(includingFractionalSeconds: true).parse(text)
    }
}
