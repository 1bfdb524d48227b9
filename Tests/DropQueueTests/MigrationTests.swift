@testable import DropQueue
import Foundation
import Testing
import TestSupport

@Suite("SQLite layer and migrations", .timeLimit(.minutes(5)))
struct MigrationTests {
    @Test("a new database is created in WAL mode at the newest schema version")
    func freshDatabase() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("queue.sqlite3")
            _ = try JobQueue(path: path, logger: quietLogger())
            let db = try SQLiteConnection.open(path: path)
            #expect(try db.userVersion() == QueueSchema.migrations.count)
            #expect(try db.queryFirst("PRAGMA journal_mode") { $0.string(0) } == "wal")
            #expect(try db.queryFirst("PRAGMA synchronous") { $0.int(0) } == 1)  // NORMAL
            #expect(try db.queryFirst("PRAGMA foreign_keys") { $0.int(0) } == 1)
            #expect(try db.queryFirst("PRAGMA busy_timeout") { $0.int(0) } == 5000)
            let tables = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") {
                $0.string(0) ?? ""
            }
            #expect(tables.contains("jobs") && tables.contains("assets"))
        }
    }

    @Test("re-opening keeps the data and applies no migration again")
    func reopen() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("queue.sqlite3")
            let progress = Data(#"{"asset_ids":["a1"]}"#.utf8)
            let original: Job
            do {
                let queue = try JobQueue(path: path, logger: quietLogger())
                let job = try queue.enqueue(newJob("report.pdf"), now: t0).job
                _ = try queue.claim(owner: "w1", lease: .seconds(60), now: t0)
                try queue.save(job.id, token: queue.heldToken(job.id), stage: "uploading", progress: progress, attempts: 2, now: at(1))
                original = try #require(try queue.job(job.id))
            }
            let db = try SQLiteConnection.open(path: path)
            #expect(try SQLiteMigrator.migrate(db, migrations: QueueSchema.migrations).isEmpty)
            #expect(try db.userVersion() == QueueSchema.migrations.count)
            db.close()

            let reopened = try JobQueue(path: path, logger: quietLogger())
            let again = try #require(try reopened.job(original.id))
            #expect(again == original)
            #expect(again.progress == progress)
            #expect(again.stage == "uploading")
            #expect(again.attempts == 2)
        }
    }

    @Test("steps apply one by one, each in its own transaction; a failing step leaves the previous version")
    func migrationSteps() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("steps.sqlite3")
            let step1 = SQLiteMigration("one", sql: "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);")
            let step2 = SQLiteMigration("two", sql: "ALTER TABLE a ADD COLUMN y TEXT; UPDATE a SET y = 'two';")
            let broken = SQLiteMigration("broken", sql: "CREATE TABLE b (z INTEGER); INSERT INTO nowhere VALUES (1);")

            let db = try SQLiteConnection.open(path: path)
            #expect(try db.userVersion() == 0)
            #expect(try SQLiteMigrator.migrate(db, migrations: [step1]) == ["one"])
            #expect(try db.userVersion() == 1)
            #expect(try SQLiteMigrator.migrate(db, migrations: [step1, step2]) == ["two"])
            #expect(try db.userVersion() == 2)
            #expect(try db.queryFirst("SELECT x, y FROM a") { "\($0.int(0)) \($0.string(1) ?? "-")" } == "1 two")

            #expect(throws: QueueError.sqlite) {
                try SQLiteMigrator.migrate(db, migrations: [step1, step2, broken])
            }
            #expect(try db.userVersion() == 2)
            let tableB = try db.queryFirst("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") { $0.int(0) }
            #expect(tableB == 0)
            #expect(!db.isInTransaction)
        }
    }

    @Test("a database from a newer program is refused with one line naming the file")
    func schemaTooNew() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("queue.sqlite3")
            _ = try JobQueue(path: path, logger: quietLogger())
            let db = try SQLiteConnection.open(path: path)
            try db.setUserVersion(99)
            db.close()
            let error = try #require(throws: QueueError.self) { try JobQueue(path: path, logger: quietLogger()) }
            #expect(error == .schemaTooNew)
            #expect(error.description.hasPrefix("cannot open queue database \(path): schema version 99"))
        }
    }

    @Test("a transaction that throws leaves no trace")
    func rollback() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let db = try SQLiteConnection.open(path: directory.file("tx.sqlite3"))
            try db.executeScript("CREATE TABLE t (v INTEGER)")
            _ = try db.transaction { () throws(QueueError) in try db.execute("INSERT INTO t VALUES (1)") }
            #expect(throws: QueueError.invalidArgument) {
                try db.transaction { () throws(QueueError) in
                    try db.execute("INSERT INTO t VALUES (2)")
                    try db.execute("INSERT INTO t VALUES (3)")
                    throw QueueError.invalidArgument(path: db.path, "stop")
                }
            }
            #expect(!db.isInTransaction)
            #expect(try db.query("SELECT v FROM t ORDER BY v") { $0.int(0) } == [1])
        }
    }

    @Test("values of every storage class round-trip exactly")
    func bindingRoundTrip() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let db = try SQLiteConnection.open(path: directory.file("values.sqlite3"))
            try db.executeScript("CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, n)")
            let text = "naïve 'quoted' \"text\" — 日本 \u{0}end"
            let bytes = Data([0, 1, 2, 255, 0, 42])
            try db.execute(
                "INSERT INTO v VALUES (?1, ?2, ?3, ?4, ?5)",
                [.integer(Int64.max), .real(-1.5e-7), .text(text), .blob(bytes), nil])
            try db.execute(
                "INSERT INTO v VALUES (?1, ?2, ?3, ?4, ?5)", [.integer(Int64.min), 0.0, "", .blob(Data()), nil])
            let rows = try db.query("SELECT i, r, t, b, n FROM v ORDER BY rowid") { row in
                (row.int64(0), row.double(1), row.string(2), row.data(3), row.isNull(4), row.data(4))
            }
            #expect(rows.count == 2)
            #expect(rows[0].0 == Int64.max && rows[0].1 == -1.5e-7 && rows[0].2 == text && rows[0].3 == bytes)
            #expect(rows[0].4 && rows[0].5 == nil)
            #expect(rows[1].0 == Int64.min && rows[1].2 == "" && rows[1].3 == Data())
        }
    }

    @Test("prepared statements are cached by SQL text and errors carry the extended code")
    func statementsAndErrors() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("cache.sqlite3")
            let db = try SQLiteConnection.open(path: path)
            try db.executeScript("CREATE TABLE u (k TEXT PRIMARY KEY)")
            let first = try db.prepare("INSERT INTO u VALUES (?1)")
            #expect(try db.prepare("INSERT INTO u VALUES (?1)") === first)
            try db.execute("INSERT INTO u VALUES (?1)", ["a"])
            let error = try #require(throws: QueueError.self) { try db.execute("INSERT INTO u VALUES (?1)", ["a"]) }
            #expect(error == .sqlite)
            #expect(error.sqliteCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
            #expect(error.description.contains(path))
            #expect(throws: QueueError.sqlite) { try db.prepare("SELECT * FROM missing_table") }
        }
    }
}
