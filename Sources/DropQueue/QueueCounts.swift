/// How many jobs the queue holds, for `status` and the systemd STATUS= line.
public struct QueueCounts: Sendable, Equatable {
    /// Jobs per state; every state is present (0 when none).
    public var byState: [JobState: Int]
    /// Active jobs under a live lease (being worked on).
    public var leased: Int

    /// Makes a counts value; states missing from `byState` count 0.
    public init(byState: [JobState: Int], leased: Int) {
        var all: [JobState: Int] = [:]
        for state in JobState.allCases { all[state] = byState[state] ?? 0 }
        self.byState = all
        self.leased = leased
    }

    /// The count for one state.
    public subscript(state: JobState) -> Int { byState[state] ?? 0 }

    /// All jobs, whatever their state.
    public var total: Int { byState.values.reduce(0, +) }
}
