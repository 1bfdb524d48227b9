/// The database's own health check, for `heygen-dropd check`.
extension JobQueue {
    /// What SQLite's `PRAGMA quick_check` finds: empty when the database is sound, else its lines (at most
    /// `limit`).
    public func quickCheck(limit: Int = 10) throws(QueueError) -> [String] {
        try withConnection { db throws(QueueError) -> [String] in
            let lines = try db.query("PRAGMA quick_check(\(max(1, min(limit, 100))))") {
                row throws(QueueError) in row.string(0) ?? ""
            }
            return lines == ["ok"] ? [] : lines
        }
    }
}
