/// The identity of a job in the queue: its row id, never reused.
public struct JobID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The database row id.
    public let rawValue: Int64

    /// Wraps a row id.
    public init(rawValue: Int64) { self.rawValue = rawValue }

    /// Wraps a row id.
    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    /// The decimal row id ("17"), as shown to operators and written in results.
    public var description: String { String(rawValue) }

    /// Encodes as a bare integer.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Decodes a bare integer.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    /// Orders by row id, i.e. by creation.
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }
}
