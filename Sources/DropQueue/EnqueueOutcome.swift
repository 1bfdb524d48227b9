/// What `enqueue` did with one `NewJob`.
public enum EnqueueOutcome: Sendable, Equatable {
    /// A new job was stored.
    case created(Job)
    /// Nothing was stored: this job already stands for the source (active with the same name, or any
    /// state with the same name and fingerprint).
    case existing(Job)

    /// The job either way.
    public var job: Job {
        switch self {
        case .created(let job), .existing(let job): return job
        }
    }

    /// True when a new job was stored.
    public var isCreated: Bool {
        if case .created = self { return true }
        return false
    }
}
