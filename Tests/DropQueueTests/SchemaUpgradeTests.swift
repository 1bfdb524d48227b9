@testable import DropQueue
import Foundation
import Testing
import TestSupport

@Suite("Upgrading a database of the first schema", .timeLimit(.minutes(5)))
struct SchemaUpgradeTests {
    @Test("jobs from before lease tokens keep working: counts are seeded, an old lease is recovered")
    func upgradeFromFirstSchema() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("queue.sqlite3")
            do {
                let db = try SQLiteConnection.open(path: path)
                try SQLiteMigrator.migrate(db, migrations: Array(QueueSchema.migrations.prefix(1)))
                try db.executeScript(
                    """
                    INSERT INTO jobs (source_name, kind, state, next_attempt_at, created_at, updated_at,
                                      lease_owner, lease_expires_at)
                    VALUES ('a', 'file', 'queued', 0, 0, 0, 'old-daemon', 99999999999),
                           ('b', 'file', 'succeeded', 0, 0, 0, NULL, NULL),
                           ('c', 'file', 'failed', 0, 0, 0, NULL, NULL),
                           ('d', 'file', 'failed', 0, 0, 0, NULL, NULL);
                    """)
                db.close()
            }
            let queue = try JobQueue(path: path, logger: quietLogger())
            let counts = try queue.counts(now: t0)
            #expect(counts[.queued] == 1 && counts[.succeeded] == 1 && counts[.failed] == 2 && counts.total == 4)
            #expect(try queue.recoverAbandonedLeases(now: t0) == 1)
            let job = try #require(try queue.claim(owner: "new", lease: .seconds(60), now: t0).first)
            #expect(job.sourceName == "a" && job.leaseToken != nil)
            try queue.finish(
                job.id, token: job.leaseToken ?? "", as: .succeeded, stage: nil, progress: nil, attempts: 0,
                lastError: nil, now: at(1))
            #expect(try queue.counts(now: at(2))[.succeeded] == 2)
        }
    }
}
