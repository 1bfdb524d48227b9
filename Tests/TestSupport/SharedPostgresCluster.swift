import Foundation

/// One throw-away PostgreSQL cluster shared by the tests of a process that run at the same time: the first
/// user starts it, the last one to leave stops and removes it. Each user gets a database of its own.
public actor SharedPostgresCluster {
    /// The cluster of this test process.
    public static let shared = SharedPostgresCluster()

    private var cluster: PostgresTestCluster?
    private var users = 0
    private var changing = false
    private var databases = 0

    /// Runs `body` with a new, empty database on the shared cluster (started if needed, stopped after the
    /// last user leaves). `body` gets the cluster and the database's name.
    public func withDatabase<T: Sendable>(
        _ body: @Sendable (PostgresTestCluster, String) async throws -> T
    ) async throws -> T {
        let cluster = try await enter()
        databases += 1
        let name = "t\(databases)_\(UUID().uuidString.prefix(6).lowercased())"
        do {
            _ = try await cluster.createDatabase(name)
            let value = try await body(cluster, name)
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }

    private func enter() async throws -> PostgresTestCluster {
        while changing { try await Task.sleep(for: .milliseconds(20)) }
        if let cluster {
            users += 1
            return cluster
        }
        changing = true
        defer { changing = false }
        let started = try await PostgresTestCluster()
        cluster = started
        users += 1
        return started
    }

    private func leave() async {
        users -= 1
        guard users == 0, let cluster else { return }
        changing = true
        self.cluster = nil
        await cluster.destroy()
        changing = false
    }
}
