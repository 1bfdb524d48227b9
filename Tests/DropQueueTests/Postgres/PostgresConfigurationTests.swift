import DropQueue
import DropQueuePostgres
import Testing

@Suite("PostgreSQL queue URL and password")
struct PostgresConfigurationTests {
    @Test("a URL names user, host, port and database; the location shows no password")
    func parses() throws {
        let configuration = try PostgresQueueConfiguration(
            url: "postgres://dropd@db.example:6543/queue?sslmode=require", password: "s3cret-pw")
        #expect(configuration.username == "dropd")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "queue")
        #expect(configuration.sslMode == "require")
        #expect(configuration.location == "postgres://dropd@db.example:6543/queue")
        let defaults = try PostgresQueueConfiguration(url: "postgresql://dropd@localhost/queue", password: nil)
        #expect(defaults.port == 5432)
        #expect(defaults.sslMode == "prefer")
        let socket = try PostgresQueueConfiguration(url: "postgres://dropd@/queue?host=/run/postgresql", password: nil)
        #expect(socket.socketDirectory == "/run/postgresql")
    }

    @Test("a password inside the URL is refused, and the error does not repeat it")
    func refusesPasswordInURL() {
        #expect {
            try PostgresQueueConfiguration(url: "postgres://dropd:hunter2pw@db.example/queue", password: nil)
        } throws: { error in
            let text = "\(error)"
            return (error as? QueueError) == .cannotOpen && !text.contains("hunter2pw") && text.contains("password")
                && text.contains("postgres://dropd@db.example/queue")
        }
    }

    @Test("URLs that name no user, no database, another scheme or an unknown sslmode are refused", arguments: [
        "postgres://db.example/queue", "postgres://dropd@db.example/", "mysql://dropd@db.example/queue",
        "postgres://dropd@db.example/queue?sslmode=sometimes", "not a url",
    ])
    func refusesBadURLs(url: String) {
        #expect(throws: QueueError.cannotOpen) { try PostgresQueueConfiguration(url: url, password: nil) }
    }
}
