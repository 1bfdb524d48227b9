import DropQueue
import DropQueuePostgres
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("PostgreSQL queue against a real server", .timeLimit(.minutes(4)))
struct PostgresServerTests {
    @Test("migrations are versioned, applied once, and a newer schema is refused")
    func migrations() async throws {
        try await SharedPostgresCluster.shared.withDatabase { cluster, database in
            let configuration = try PostgresQueueConfiguration(url: cluster.url(database: database), password: cluster.password)
            try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { store in
                try await store.enqueueNew(["kept"])
            }
            // Opening again changes nothing and keeps the jobs.
            try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { store in
                let queued = try await store.counts()[.queued]
                #expect(queued == 1)
            }
            #expect(try await cluster.psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations", database: database) == "1,2")
            _ = try await cluster.psql("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')", database: database)
            await #expect(throws: QueueError.schemaTooNew) {
                try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { _ in }
            }
        }
    }

    @Test("a wrong password fails with an error that holds neither password")
    func wrongPassword() async throws {
        try await SharedPostgresCluster.shared.withDatabase { cluster, database in
            var configuration = try PostgresQueueConfiguration(url: cluster.url(database: database), password: "wrong-Pa55word")
            configuration.operationTimeout = .seconds(10)
            let error = await #expect(throws: QueueError.self) {
                try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { _ in }
            }
            let text = "\(error.map { "\($0)" } ?? "")"
            #expect(!text.isEmpty)
            #expect(!text.contains("wrong-Pa55word"))
            #expect(!text.contains(cluster.password))
            #expect(text.contains("postgres://postgres@127.0.0.1:\(cluster.port)/\(database)"))
        }
    }

    @Test("the server going away fails calls as unavailable; once it is back the same store carries on")
    func serverRestart() async throws {
        try await PostgresTestCluster.with { cluster in
            let url = try await cluster.createDatabase("restart")
            var configuration = try PostgresQueueConfiguration(url: url, password: cluster.password)
            // Room for a loaded machine (the whole suite at once): a hang is caught by the time limit, not this.
            configuration.operationTimeout = .seconds(30)
            try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { store in
                let job = try await store.enqueueNew(["before"])[0]
                let claimed = try #require(try await store.claimAt(at(1)).first)
                try await cluster.stop()
                await #expect(throws: QueueError.unavailable) { try await store.counts() }
                let failure = await #expect(throws: QueueError.self) {
                    try await store.renewLease(job.id, token: claimed.leaseToken ?? "", lease: .seconds(60), now: at(2))
                }
                #expect(failure?.isTransient == true)
                try await cluster.start()
                // The pool reconnects by itself (with backoff); the claim made before is still held.
                let renewed = try await eventually("the store answers again", timeout: .seconds(60)) {
                    try await store.renewLease(job.id, token: claimed.leaseToken ?? "", lease: .seconds(60), now: at(3)) ? true : nil
                }
                #expect(renewed)
                try await store.finish(
                    job.id, token: claimed.leaseToken ?? "", as: .succeeded, stage: nil, progress: nil, attempts: 1,
                    lastError: nil, now: at(4))
                #expect(try await store.counts()[.succeeded] == 1)
            }
        }
    }

    @Test(
        "calls in flight as the server stops each end, failing as unavailable at worst, and none waits forever",
        .timeLimit(.minutes(3)))
    func callsInFlightAtServerStop() async throws {
        try await PostgresTestCluster.with { cluster in
            let url = try await cluster.createDatabase("inflight")
            var configuration = try PostgresQueueConfiguration(url: url, password: cluster.password)
            // Room for a loaded machine (the whole suite at once): a hang is caught by the time limit, not this.
            configuration.operationTimeout = .seconds(30)
            try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { store in
                let stopping = StopFlag()
                // Statements are written while the server goes away: a call must then fail, never hang (a hang
                // keeps its loop, and so the task group, from ending before the time limit).
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            var index = 0
                            while !stopping.isSet {
                                index += 1
                                do {
                                    try await store.enqueueNew(["w\(worker)-\(index)"])
                                    _ = try await store.counts()
                                } catch let error as QueueError {
                                    #expect(error.isTransient, "\(error)")
                                }
                            }
                        }
                    }
                    _ = try await eventually("the loops are busy") {
                        try await store.counts()[.queued] ?? 0 >= 40 ? true : nil
                    }
                    try await cluster.stop()
                    try await Task.sleep(for: .seconds(1))
                    try await cluster.start()
                    _ = try await eventually("the store answers again") { try await store.counts() }
                    stopping.set()
                    try await group.waitForAll()
                }
                let before = try await store.counts()[.queued] ?? 0
                try await store.enqueueNew(["after"])
                #expect(try await store.counts()[.queued] == before + 1)
            }
        }
    }

    @Test("sslmode=require: TLS to a server that offers it, no connection to one that does not")
    func tls() async throws {
        try await PostgresTestCluster.with(tls: true) { cluster in
            let url = try await cluster.createDatabase("tls")
            let required = url.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")
            let configuration = try PostgresQueueConfiguration(url: required, password: cluster.password)
            try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { store in
                try await store.enqueueNew(["over-tls"])
            }
            // The server refuses TCP without TLS, so the store's connections were TLS ones.
            #expect(try await cluster.psql("SELECT count(*) FROM jobs", database: "tls") == "1")
            var plain = try PostgresQueueConfiguration(url: url, password: cluster.password)
            plain.operationTimeout = .seconds(10)
            await #expect(throws: QueueError.self) {
                try await PostgresQueueStore.withStore(configuration: plain, logger: quietLogger()) { _ in }
            }
        }
        try await SharedPostgresCluster.shared.withDatabase { cluster, database in
            let required = cluster.url(database: database).replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")
            var configuration = try PostgresQueueConfiguration(url: required, password: cluster.password)
            configuration.operationTimeout = .seconds(10)
            await #expect(throws: QueueError.self) {
                try await PostgresQueueStore.withStore(configuration: configuration, logger: quietLogger()) { _ in }
            }
        }
    }
}

/// Set once, read by many tasks.
private final class StopFlag: Sendable {
    private let value = Mutex(false)

    /// True once `set()` was called.
    var isSet: Bool { value.withLock { $0 } }

    /// Sets the flag.
    func set() { value.withLock { $0 = true } }
}
