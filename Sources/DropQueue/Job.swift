#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A job as stored in the queue: one source in the inbox (a file or a bundle directory) and what the
/// pipeline has learned about it so far.
public struct Job: Sendable, Equatable {
    /// The job's identity.
    public var id: JobID
    /// The name inside the inbox (file or directory); unique among active jobs.
    public var sourceName: String
    /// Opaque to the queue: "file", "bundle", "sidecar", ...
    public var kind: String
    /// Opaque identity of the source ("dev:ino:size:mtime_ns"), if known.
    public var fingerprint: String?
    /// Where the job is in its life.
    public var state: JobState
    /// Opaque progress label shown by `jobs` ("uploading", ...).
    public var stage: String?
    /// API requests made for this job (set by the pipeline).
    public var attempts: Int
    /// Claims since it was last released or requeued: grows only while claims end in a crash (crash-loop detection).
    public var claims: Int
    /// When it is next due for a worker.
    public var nextAttemptAt: Date
    /// The last error, one line.
    public var lastError: String?
    /// Who holds (or last held, if expired) the lease; nil when not leased.
    public var leaseOwner: String?
    /// The token of the claim holding the lease; nil when not leased. Every claim gets a new one, so a
    /// worker whose lease expired and was claimed again (even by the same process) can no longer write.
    public var leaseToken: String?
    /// When the lease ends; nil when not leased.
    public var leaseExpiresAt: Date?
    /// Opaque JSON owned by the pipeline: what the job has learned, so a resumed job continues.
    public var progress: Data?
    /// When the job was enqueued.
    public var createdAt: Date
    /// When the job record last changed.
    public var updatedAt: Date
    /// When the job reached a terminal state; nil while active.
    public var finishedAt: Date?
    /// The profile (watched inbox) the source was dropped in; `default` without profiles.
    public var profile: String

    /// Makes a job value (the queue makes the stored ones; this is for callers' own use, e.g. tests).
    public init(
        id: JobID, sourceName: String, kind: String, fingerprint: String? = nil, state: JobState,
        stage: String? = nil, attempts: Int = 0, claims: Int = 0, nextAttemptAt: Date, lastError: String? = nil,
        leaseOwner: String? = nil, leaseExpiresAt: Date? = nil, progress: Data? = nil, createdAt: Date,
        updatedAt: Date, finishedAt: Date? = nil, leaseToken: String? = nil, profile: String = JobQueue.defaultProfile
    ) {
        self.profile = profile
        self.id = id
        self.sourceName = sourceName
        self.kind = kind
        self.fingerprint = fingerprint
        self.state = state
        self.stage = stage
        self.attempts = attempts
        self.claims = claims
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.progress = progress
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
        self.leaseToken = leaseToken
    }

    /// True when a live lease is held at `now` (an owner and `leaseExpiresAt > now`).
    public func isLeased(at now: Date) -> Bool {
        guard leaseOwner != nil, let leaseExpiresAt else { return false }
        return leaseExpiresAt > now
    }
}
