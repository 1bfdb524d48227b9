import DropQueue
import Logging
import PostgresNIO

/// Brings the PostgreSQL queue's schema up to date: in one transaction under an advisory lock, so hosts
/// starting together migrate once; each version applied is recorded in `schema_migrations`.
enum PostgresMigrator {
    /// Applies the missing migrations; returns the names of those applied. A database migrated by a newer
    /// program throws `.schemaTooNew`.
    static func migrate(
        _ connection: PostgresConnection, location: String, logger: Logger
    ) async throws -> [String] {
        try await connection.withTransaction(logger: logger) { db in
            try await db.query("SELECT pg_advisory_xact_lock(\(PostgresQueueSchema.migrationLock))", logger: logger)
            try await db.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var current = 0
            for try await version in try await db.query(
                "SELECT coalesce(max(version), 0)::bigint FROM schema_migrations", logger: logger
            ).decode(Int64.self) {
                current = Int(version)
            }
            if current > PostgresQueueSchema.latest {
                throw QueueError.schemaTooNew(location: location, found: current, known: PostgresQueueSchema.latest)
            }
            var applied: [String] = []
            for migration in PostgresQueueSchema.migrations where migration.version > current {
                for statement in migration.statements {
                    try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await db.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                applied.append(migration.name)
            }
            return applied
        }
    }
}
