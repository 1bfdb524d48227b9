import CSQLite
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A prepared statement owned by one `SQLiteConnection`; finalized when the connection closes.
final class SQLiteStatement {
    /// The statement's SQL text (its key in the connection's cache).
    let sql: String
    let handle: OpaquePointer

    init(sql: String, handle: OpaquePointer) {
        self.sql = sql
        self.handle = handle
    }

    /// Binds `values` to parameters 1...n; returns SQLite's result code of the first failure, or SQLITE_OK.
    func bind(_ values: [SQLiteValue]) -> Int32 {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null:
                rc = sqlite3_bind_null(handle, index)
            case .integer(let number):
                rc = sqlite3_bind_int64(handle, index, number)
            case .real(let number):
                rc = sqlite3_bind_double(handle, index, number)
            case .text(let string):
                // With the byte count, text holding NUL characters is stored whole.
                var text = string
                rc = text.withUTF8 { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { chars in
                        guard let start = chars.baseAddress, !chars.isEmpty else {
                            return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
                        }
                        return sqlite3_bind_text64(
                            handle, index, start, sqlite3_uint64(chars.count), csqlite_transient(),
                            UInt8(SQLITE_UTF8))
                    }
                }
            case .blob(let data):
                if data.isEmpty {
                    // A zero-length buffer has no base address; a NULL pointer would bind SQL NULL.
                    rc = sqlite3_bind_zeroblob(handle, index, 0)
                } else {
                    rc = data.withUnsafeBytes { bytes in
                        sqlite3_bind_blob64(
                            handle, index, bytes.baseAddress, sqlite3_uint64(bytes.count), csqlite_transient())
                    }
                }
            }
            if rc != SQLITE_OK { return rc }
        }
        return SQLITE_OK
    }

    /// Makes the statement ready to run again and drops its bindings.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func finalize() {
        sqlite3_finalize(handle)
    }
}

/// The current result row of a running statement; valid only inside the row callback.
struct SQLiteRow {
    let statement: OpaquePointer

    /// How many columns the row has.
    var count: Int { Int(sqlite3_column_count(statement)) }

    /// True when column `index` (0-based) is SQL NULL.
    func isNull(_ index: Int) -> Bool {
        sqlite3_column_type(statement, Int32(index)) == SQLITE_NULL
    }

    /// Column `index` as a 64-bit integer (NULL reads as 0).
    func int64(_ index: Int) -> Int64 {
        sqlite3_column_int64(statement, Int32(index))
    }

    /// Column `index` as an integer (NULL reads as 0).
    func int(_ index: Int) -> Int {
        Int(sqlite3_column_int64(statement, Int32(index)))
    }

    /// Column `index` as a double (NULL reads as 0).
    func double(_ index: Int) -> Double {
        sqlite3_column_double(statement, Int32(index))
    }

    /// Column `index` as text, nil when NULL.
    func string(_ index: Int) -> String? {
        guard !isNull(index), let text = sqlite3_column_text(statement, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// Column `index` as bytes, nil when NULL (an empty blob reads as empty `Data`).
    func data(_ index: Int) -> Data? {
        guard !isNull(index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, Int32(index)))
        guard count > 0, let bytes = sqlite3_column_blob(statement, Int32(index)) else { return Data() }
        return Data(bytes: bytes, count: count)
    }

    /// Column `index` (REAL unix seconds) as a date, nil when NULL.
    func date(_ index: Int) -> Date? {
        guard !isNull(index) else { return nil }
        return Date(timeIntervalSince1970: double(index))
    }

    /// Column `index` as a generic value.
    func value(_ index: Int) -> SQLiteValue {
        switch sqlite3_column_type(statement, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(string(index) ?? "")
        case SQLITE_BLOB: return .blob(data(index) ?? Data())
        default: return .null
        }
    }
}
