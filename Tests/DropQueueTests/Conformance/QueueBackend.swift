import DropQueue
import DropQueuePostgres
import Foundation
import Logging
import TestSupport
import Testing

/// The queue backends every conformance test runs against.
enum QueueBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// True when several hosts share the backend (its leases are freed per host, its slots counted for all).
    var isShared: Bool { self == .postgres }

    /// Runs `body` with two stores on one new, empty queue — as two processes (SQLite: two connections to one
    /// file) or two hosts (PostgreSQL: two connection pools to one database) would have — removed afterwards.
    func withStores<T: Sendable>(
        _ body: @escaping @Sendable (any QueueStore, any QueueStore) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite:
            return try await withTemporaryDirectory(prefix: "dropqueue-conformance") { directory in
                let path = directory.file("queue.sqlite3")
                let first = try await SQLiteQueueStore.open(path: path, logger: quietLogger())
                let second = try await SQLiteQueueStore.open(path: path, logger: quietLogger())
                return try await body(first, second)
            }
        case .postgres:
            return try await SharedPostgresCluster.shared.withDatabase { cluster, database in
                var patient = try PostgresQueueConfiguration(
                    url: cluster.url(database: database), password: cluster.password)
                // The whole suite runs at once on two cores: the server may be slow to answer, not gone.
                patient.operationTimeout = .seconds(120)
                let configuration = patient
                return try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) {
                    first in
                    try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) {
                        second in try await body(first, second)
                    }
                }
            }
        }
    }

    /// Runs `body` with one store on a new, empty queue.
    func withStore<T: Sendable>(_ body: @escaping @Sendable (any QueueStore) async throws -> T) async throws -> T {
        try await withStores { first, _ in try await body(first) }
    }
}

extension QueueStore {
    /// Enqueues `names` at `now` and returns the created jobs, in order.
    @discardableResult
    func enqueueNew(_ names: [String], now: Date = t0) async throws -> [Job] {
        try await enqueue(names.map { newJob($0) }, now: now).map(\.job)
    }

    /// Claims up to `limit` queued jobs at `now` for `owner` under a 60 s lease.
    func claimAt(_ now: Date, owner: String = "host-a:1:x", states: Set<JobState> = [.queued], limit: Int = 1) async throws -> [Job] {
        try await claim(owner: owner, states: states, lease: .seconds(60), limit: limit, now: now, leaseNow: now)
    }
}
