import DropQueue

/// The `Idempotency-Key`s the daemon sends.
enum IdempotencyKey {
    /// The key for uploading one file of a job: the same for every retry and across restarts, so a crash after
    /// the server accepted an upload replays that asset instead of making a second one. An operator's retry of
    /// a failed job (`run`) gets fresh keys.
    static func upload(job: JobID, run: Int, sha256: String) -> String {
        "hgd-\(job.rawValue)-r\(run)-\(sha256.prefix(32))"
    }
}
