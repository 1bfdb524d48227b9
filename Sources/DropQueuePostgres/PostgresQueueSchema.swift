/// The PostgreSQL queue's schema, as versioned migrations applied in order by `PostgresMigrator`. Times are
/// unix seconds (double precision), as in the SQLite queue. Append new versions; never edit a shipped one.
enum PostgresQueueSchema {
    /// One migration: its version, a name for the log, and its statements (one statement each).
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
    }

    /// The SQL condition for an active (non-terminal) job, repeated word for word so the partial indexes apply.
    static let active = "state IN ('queued','waiting_video')"

    /// The key of the advisory lock that serialises migrations and video slot counting.
    static let migrationLock: Int64 = 0x6865_7967_656e_0001
    /// The key of the advisory lock taken while counting the account's video slots.
    static let videoSlotLock: Int64 = 0x6865_7967_656e_0002

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "jobs, assets and video slots",
            statements: [
                """
                CREATE TABLE jobs (
                    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    source_name      text    NOT NULL,
                    kind             text    NOT NULL,
                    fingerprint      text,
                    state            text    NOT NULL
                                     CHECK (state IN ('queued','waiting_video','succeeded','failed')),
                    stage            text,
                    attempts         integer NOT NULL DEFAULT 0,
                    claims           integer NOT NULL DEFAULT 0,
                    next_attempt_at  double precision NOT NULL,
                    last_error       text,
                    lease_owner      text,
                    lease_token      text,
                    lease_expires_at double precision,
                    progress         bytea,
                    created_at       double precision NOT NULL,
                    updated_at       double precision NOT NULL,
                    finished_at      double precision
                )
                """,
                // One active job per source, whichever host saw the drop: enqueue is idempotent across hosts.
                "CREATE UNIQUE INDEX jobs_active_source ON jobs (source_name) WHERE \(active)",
                "CREATE INDEX jobs_due ON jobs (state, next_attempt_at, id) WHERE \(active)",
                "CREATE INDEX jobs_source ON jobs (source_name, fingerprint)",
                "CREATE INDEX jobs_state ON jobs (state, id)",
                "CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL",
                "CREATE INDEX jobs_failed ON jobs (finished_at) WHERE state = 'failed'",
                """
                CREATE INDEX jobs_prunable ON jobs (finished_at)
                    WHERE progress IS NOT NULL AND state IN ('succeeded','failed')
                """,
                """
                CREATE TABLE assets (
                    sha256      text   PRIMARY KEY,
                    asset_id    text   NOT NULL,
                    url         text   NOT NULL,
                    mime_type   text   NOT NULL,
                    size_bytes  bigint NOT NULL,
                    uploaded_at double precision NOT NULL
                )
                """,
                // The account's video slots being used for a create, by any host; each ends by itself.
                """
                CREATE TABLE video_slots (
                    token      text PRIMARY KEY,
                    owner      text NOT NULL,
                    expires_at double precision NOT NULL
                )
                """,
            ]),
        Migration(
            version: 2, name: "profiles and the spend guard",
            statements: [
                // The profile (watched inbox) a job came from; every earlier job is the profile 'default'.
                "ALTER TABLE jobs ADD COLUMN profile text NOT NULL DEFAULT 'default'",
                // One active job per source of a profile (two inboxes may hold the same name), across hosts.
                "DROP INDEX jobs_active_source",
                "CREATE UNIQUE INDEX jobs_active_source ON jobs (profile, source_name) WHERE \(active)",
                "DROP INDEX jobs_source",
                "CREATE INDEX jobs_source ON jobs (profile, source_name, fingerprint)",
                // Claims fair between profiles: the oldest due active job of a state in one profile.
                "CREATE INDEX jobs_profile_due ON jobs (profile, state, next_attempt_at, id) WHERE \(active)",
                // What each job spent (Video Agent creates, translation languages), for max_videos_per_day over
                // a rolling window: one row per job, run and step, so counting again after a restart adds nothing.
                """
                CREATE TABLE spend (
                    job_id  bigint  NOT NULL,
                    run     integer NOT NULL,
                    step    text    NOT NULL,
                    profile text    NOT NULL,
                    units   integer NOT NULL,
                    at      double precision NOT NULL,
                    PRIMARY KEY (job_id, run, step)
                )
                """,
                "CREATE INDEX spend_window ON spend (profile, at)",
            ]),
    ]

    /// The newest version this program knows.
    static var latest: Int { migrations.last?.version ?? 0 }
}
