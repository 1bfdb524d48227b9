import DropQueue

/// The `Idempotency-Key`s the daemon sends.
enum IdempotencyKey {
    /// The key for uploading one file of a job: the same for every retry and across restarts, so a crash after
    /// the server accepted an upload replays that asset instead of making a second one. An operator's retry of
    /// a failed job (`run`) gets fresh keys. The checked file's inode and change time are part of it: a file
    /// changed after its check (which moves the change time) is never answered with the asset of an earlier upload
    /// whose bytes were not the checked ones, even if its new bytes hash the same.
    static func upload(job: JobID, run: Int, sha256: String, identity: EntryIdentity) -> String {
        "hgd-\(job.rawValue)-r\(run)-\(sha256.prefix(32))-\(String(identity.inode, radix: 36)).\(String(identity.ctimeNanoseconds, radix: 36))"
    }
}
