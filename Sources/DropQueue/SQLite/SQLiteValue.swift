#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A value bound to a statement parameter: one of SQLite's storage classes.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    /// An integer column value.
    static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }

    /// A text value, or NULL for nil.
    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }

    /// A blob value, or NULL for nil.
    static func blob(_ value: Data?) -> SQLiteValue { value.map { .blob($0) } ?? .null }

    /// A point in time stored as REAL unix seconds, or NULL for nil.
    static func date(_ value: Date?) -> SQLiteValue { value.map { .real($0.timeIntervalSince1970) } ?? .null }
}

extension SQLiteValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral
{
    init(integerLiteral value: Int64) { self = .integer(value) }
    init(stringLiteral value: String) { self = .text(value) }
    init(nilLiteral: ()) { self = .null }
    init(floatLiteral value: Double) { self = .real(value) }
}
