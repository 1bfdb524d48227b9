/// One reason the daemon is not healthy, as `GET /healthz` lists it in its 503 answer: what is affected,
/// in what state, and the details in one line.
///
/// `component` and `state` are fixed words a monitor can match (`queue` + `unreachable` or
/// `not_answering`; `inbox` + `not_watched`); `message` is for people and never holds a password or the key.
public struct HealthProblem: Codable, Sendable, Equatable {
    /// What is affected: `queue` or `inbox`.
    public var component: String
    /// Its state: `unreachable` (the queue's server cannot be reached), `not_answering` (the queue did not
    /// answer the check), `not_watched` (an inbox).
    public var state: String
    /// The details, one line (the server or folder, since when, the last error).
    public var message: String
    /// Since when, for a queue found unreachable by the daemon's own calls (ISO 8601); nil otherwise.
    public var since: String?

    /// A problem.
    public init(component: String, state: String, message: String, since: String? = nil) {
        self.component = component
        self.state = state
        self.message = message
        self.since = since
    }
}

/// The body of `/healthz`'s 503 answer: `{"status": "unavailable", "problems": [...]}`.
struct HealthReport: Codable, Sendable, Equatable {
    /// Always `unavailable`.
    var status = "unavailable"
    /// What is wrong, one entry per problem.
    var problems: [HealthProblem]
}
