/// One step of a database schema's history. Steps are never edited once shipped: a change is a new step.
struct SQLiteMigration: Sendable {
    /// A short description for logs ("create jobs and assets").
    let name: String
    /// Applies the step; runs inside the step's own transaction.
    let apply: @Sendable (SQLiteConnection) throws(QueueError) -> Void

    /// A step made of an SQL script.
    init(_ name: String, sql: String) {
        self.name = name
        self.apply = { connection throws(QueueError) in try connection.executeScript(sql) }
    }

    /// A step written in code.
    init(_ name: String, apply: @escaping @Sendable (SQLiteConnection) throws(QueueError) -> Void) {
        self.name = name
        self.apply = apply
    }
}

/// Brings a database to the newest schema. `PRAGMA user_version` counts the steps applied: step i (0-based)
/// moves the version from i to i+1. Each step runs in its own `BEGIN IMMEDIATE` transaction, which re-reads
/// the version, so two processes opening the same new file do not both apply a step, and a failing step
/// leaves the database at the previous version.
enum SQLiteMigrator {
    /// Applies the missing steps; returns the names of the steps applied. Throws `schemaTooNew` when the
    /// database is ahead of `migrations`.
    @discardableResult
    static func migrate(_ connection: SQLiteConnection, migrations: [SQLiteMigration]) throws(QueueError)
        -> [String]
    {
        var applied: [String] = []
        let start = try connection.userVersion()
        if start > migrations.count {
            throw .schemaTooNew(path: connection.path, found: start, known: migrations.count)
        }
        if start == migrations.count { return applied }
        for index in start..<migrations.count {
            let step = migrations[index]
            let didApply = try connection.transaction { () throws(QueueError) -> Bool in
                let version = try connection.userVersion()
                if version > index { return false }  // another process got here first
                try step.apply(connection)
                try connection.setUserVersion(index + 1)
                return true
            }
            if didApply { applied.append(step.name) }
        }
        return applied
    }
}
