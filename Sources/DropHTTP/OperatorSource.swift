/// Where the HTTP endpoint gets what it shows: the daemon answers from its queue and its pipeline.
public protocol OperatorSource: Sendable {
    /// What the dashboard shows now. Throws when the queue does not answer.
    func snapshot() async throws -> DashboardSnapshot

    /// What is wrong now, one entry each (the queue unreachable or not answering, an inbox not watched);
    /// empty when the daemon is healthy. Answers within a few seconds even while the queue's server is down.
    func healthProblems() async -> [HealthProblem]
}
