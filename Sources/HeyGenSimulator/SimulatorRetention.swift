import Foundation

/// How much the simulator keeps in memory: uploaded assets, Video Agent sessions (with their videos) and
/// idempotency records each expire after `maxAge`, and beyond `maxCount` of a kind the oldest go first.
/// A simulator left running for days under a benchmark thus stays within a bounded size.
public struct SimulatorRetention: Sendable, Equatable {
    /// The most records of each kind kept.
    public var maxCount: Int
    /// How long a record is kept.
    public var maxAge: TimeInterval

    /// Retention of `maxCount` records of each kind (at least 1) for `maxAge` seconds; by default 10,000 for 24 hours.
    public init(maxCount: Int = 10_000, maxAge: TimeInterval = 24 * 3600) {
        self.maxCount = max(1, maxCount)
        self.maxAge = max(0, maxAge)
    }
}

/// How many records of each kind the simulator holds.
public struct SimulatorStoredCounts: Sendable, Equatable {
    /// Uploaded assets.
    public var assets: Int
    /// Video Agent sessions.
    public var sessions: Int
    /// `Idempotency-Key` records (finished and in progress).
    public var idempotencyKeys: Int
}

extension SimulatorState {
    /// Drops records older than the retention's age (checked at most once a second) and, of each kind over
    /// the retention's count, the oldest. Idempotency records of requests still running are kept.
    mutating func prune(now: Date) {
        let limit = retention.maxCount
        let ageDue = now.timeIntervalSince(lastPrunedByAge) >= 1
        if ageDue { lastPrunedByAge = now }
        let oldest = now.addingTimeInterval(-retention.maxAge)
        if ageDue || assets.count > limit {
            assets = assets.filter { $0.value.storedAt >= oldest }
            if assets.count > limit {
                let drop = assets.values.sorted { $0.storedAt < $1.storedAt }.prefix(assets.count - limit)
                for asset in drop { assets[asset.id] = nil }
            }
        }
        if ageDue || sessions.count > limit {
            var expired = sessions.values.filter { $0.createdAt < oldest }
            let remaining = sessions.count - expired.count
            if remaining > limit {
                expired += sessions.values.filter { $0.createdAt >= oldest }.sorted { $0.createdAt < $1.createdAt }
                    .prefix(remaining - limit)
            }
            for session in expired {
                sessions[session.id] = nil
                if let videoID = session.videoID { videos[videoID] = nil }
            }
        }
        if ageDue || idempotency.count > limit {
            var finished: [(key: String, at: Date)] = []
            for (key, entry) in idempotency {
                if case .completed(_, let at) = entry { finished.append((key, at)) }
            }
            for record in finished where record.at < oldest { idempotency[record.key] = nil }
            if idempotency.count > limit {
                let drop = finished.filter { $0.at >= oldest }.sorted { $0.at < $1.at }.prefix(idempotency.count - limit)
                for record in drop { idempotency[record.key] = nil }
            }
        }
    }
}

extension HeyGenSimulator {
    /// Forgets every Video Agent session and its video, as an account that lost them would; for tests of
    /// what a client does when a session it expects is not there.
    public func forgetSessions() {
        state.withLock { state in
            for session in state.sessions.values {
                if let videoID = session.videoID { state.videos[videoID] = nil }
            }
            state.sessions = [:]
        }
    }
}
