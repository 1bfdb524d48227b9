/// The queue database's schema, as a list of migration steps (see `SQLiteMigrator`). Times are REAL unix
/// seconds. Append new steps; never edit a shipped one.
enum QueueSchema {
    /// The SQL condition for an active (non-terminal) job. Queries repeat it word for word so SQLite can use
    /// the partial indexes built on it.
    static let activeCondition = "state IN ('queued','waiting_video')"

    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(
            "create jobs and assets",
            sql: """
                CREATE TABLE jobs (
                    id               INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_name      TEXT    NOT NULL,
                    kind             TEXT    NOT NULL,
                    fingerprint      TEXT,
                    state            TEXT    NOT NULL
                                     CHECK (state IN ('queued','waiting_video','succeeded','failed')),
                    stage            TEXT,
                    attempts         INTEGER NOT NULL DEFAULT 0,
                    claims           INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at  REAL    NOT NULL,
                    last_error       TEXT,
                    lease_owner      TEXT,
                    lease_expires_at REAL,
                    progress         BLOB,
                    created_at       REAL    NOT NULL,
                    updated_at       REAL    NOT NULL,
                    finished_at      REAL
                );
                -- At most one active job per source: enqueue is idempotent per source.
                CREATE UNIQUE INDEX jobs_active_source ON jobs (source_name)
                    WHERE \(activeCondition);
                -- Claim: the oldest due active job of a state.
                CREATE INDEX jobs_due ON jobs (state, next_attempt_at)
                    WHERE \(activeCondition);
                -- Enqueue: a job with the same source name and fingerprint, whatever its state.
                CREATE INDEX jobs_source ON jobs (source_name, fingerprint);
                -- Listing and counting by state, newest or oldest first.
                CREATE INDEX jobs_state ON jobs (state, id);
                -- Leased jobs, for start-up recovery and the count of jobs being worked on.
                CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE lease_owner IS NOT NULL;
                -- Recent failures, newest first.
                CREATE INDEX jobs_failed ON jobs (finished_at) WHERE state = 'failed';

                CREATE TABLE assets (
                    sha256      TEXT    PRIMARY KEY,
                    asset_id    TEXT    NOT NULL,
                    url         TEXT    NOT NULL,
                    mime_type   TEXT    NOT NULL,
                    size_bytes  INTEGER NOT NULL,
                    uploaded_at REAL    NOT NULL
                ) WITHOUT ROWID;
                """),
        SQLiteMigration(
            "lease tokens, kept counts, prunable progress",
            sql: """
                -- Each claim's own token: only the claim that holds it may write the job.
                ALTER TABLE jobs ADD COLUMN lease_token TEXT;

                -- Jobs per state, kept by triggers, so counting never scans the jobs.
                CREATE TABLE job_counts (
                    state TEXT    PRIMARY KEY,
                    n     INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO job_counts (state, n)
                    VALUES ('queued', 0), ('waiting_video', 0), ('succeeded', 0), ('failed', 0);
                UPDATE job_counts SET n = (SELECT count(*) FROM jobs WHERE jobs.state = job_counts.state);
                CREATE TRIGGER jobs_count_insert AFTER INSERT ON jobs BEGIN
                    UPDATE job_counts SET n = n + 1 WHERE state = NEW.state;
                END;
                CREATE TRIGGER jobs_count_delete AFTER DELETE ON jobs BEGIN
                    UPDATE job_counts SET n = n - 1 WHERE state = OLD.state;
                END;
                CREATE TRIGGER jobs_count_update AFTER UPDATE OF state ON jobs
                WHEN OLD.state <> NEW.state BEGIN
                    UPDATE job_counts SET n = n - 1 WHERE state = OLD.state;
                    UPDATE job_counts SET n = n + 1 WHERE state = NEW.state;
                END;

                -- Finished jobs still holding their progress, oldest first, for pruning.
                CREATE INDEX jobs_prunable ON jobs (finished_at)
                    WHERE progress IS NOT NULL AND state IN ('succeeded','failed');
                """),
        SQLiteMigration(
            "profiles and the spend guard",
            sql: """
                -- The profile (watched inbox) a job came from; every job before profiles is the profile 'default'.
                ALTER TABLE jobs ADD COLUMN profile TEXT NOT NULL DEFAULT 'default';
                -- At most one active job per source of a profile (two inboxes may hold the same name).
                DROP INDEX jobs_active_source;
                CREATE UNIQUE INDEX jobs_active_source ON jobs (profile, source_name)
                    WHERE \(activeCondition);
                DROP INDEX jobs_source;
                CREATE INDEX jobs_source ON jobs (profile, source_name, fingerprint);
                -- Claim, fair between profiles: the oldest due active job of a state in one profile.
                CREATE INDEX jobs_profile_due ON jobs (profile, state, next_attempt_at)
                    WHERE \(activeCondition);

                -- What each job spent (Video Agent creates, translation languages), for max_videos_per_day over a
                -- rolling window: one row per job, run and step, so counting again after a restart adds nothing.
                CREATE TABLE spend (
                    job_id  INTEGER NOT NULL,
                    run     INTEGER NOT NULL,
                    step    TEXT    NOT NULL,
                    profile TEXT    NOT NULL,
                    units   INTEGER NOT NULL,
                    at      REAL    NOT NULL,
                    PRIMARY KEY (job_id, run, step)
                ) WITHOUT ROWID;
                CREATE INDEX spend_window ON spend (profile, at);
                """),
    ]
}
