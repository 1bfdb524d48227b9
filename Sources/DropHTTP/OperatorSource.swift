/// Where the HTTP endpoint gets what it shows: the daemon answers from its queue and its pipeline.
public protocol OperatorSource: Sendable {
    /// What the dashboard shows now. Throws when the queue does not answer.
    func snapshot() async throws -> DashboardSnapshot

    /// What is wrong now, one short reason each (the queue not answering, an inbox not watched); empty when
    /// the daemon is healthy.
    func healthProblems() async -> [String]
}
