import Foundation
import Synchronization

/// A throw-away PostgreSQL server for tests: `initdb` into a temporary folder, `pg_ctl` on a free loopback
/// port, stopped and removed afterwards. Run as root, the cluster belongs to the unprivileged user `nobody`
/// (PostgreSQL refuses to run as root). Nothing assumes a server already running.
///
/// The superuser is `postgres` with a random password (written to `passwordFile`); host connections need it
/// (scram-sha-256). Debian's binaries are found under /usr/lib/postgresql/*/bin (or `$PG_BIN`).
public final class PostgresTestCluster: Sendable {
    /// The loopback port the server listens on.
    public var port: Int { chosenPort.withLock { $0 } }
    private let chosenPort: Mutex<Int>
    /// The superuser's name.
    public let user = "postgres"
    /// The superuser's password.
    public let password: String
    /// A file holding the password (no newline), readable by the tests.
    public let passwordFile: String
    private let directory: TemporaryDirectory
    private let binaries: String
    private let runAs: String?
    private let tls: Bool

    /// The cluster's data folder.
    public var dataDirectory: String { directory.file("data") }

    /// A `postgres://` URL of `database` on this server (no password in it).
    public func url(database: String) -> String { "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// Runs `body` with a new running cluster, stopping it and removing its files afterwards whatever happens.
    public static func with<T>(tls: Bool = false, _ body: (PostgresTestCluster) async throws -> T) async throws -> T {
        let cluster = try await PostgresTestCluster(tls: tls)
        do {
            let value = try await body(cluster)
            await cluster.destroy()
            return value
        } catch {
            await cluster.destroy()
            throw error
        }
    }

    /// Creates and starts a cluster; throws `HarnessError` when PostgreSQL is not installed or does not start.
    /// With `tls`, the server speaks TLS (a self-signed certificate made by `openssl`) and refuses TCP
    /// connections without it.
    public init(tls: Bool = false) async throws {
        guard let binaries = Self.findBinaries() else {
            throw HarnessError("PostgreSQL is not installed (apt-get install postgresql), or set PG_BIN")
        }
        self.binaries = binaries
        self.runAs = getuid() == 0 ? "nobody" : nil
        self.tls = tls
        self.directory = try TemporaryDirectory(prefix: "dropd-pg")
        self.chosenPort = Mutex(try freeLoopbackPort())
        self.password = UUID().uuidString
        self.passwordFile = directory.file("password")
        try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        let pwfile = directory.file("initdb-password")
        try Data(password.utf8).write(to: URL(fileURLWithPath: pwfile))
        if tls {
            try await Self.check(
                runProcess(
                    "/usr/bin/openssl",
                    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
                     "-keyout", directory.file("server.key"), "-out", directory.file("server.crt")]), "openssl")
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory.file("server.key"))
        }
        if runAs != nil {
            try await Self.check(runProcess("/bin/chown", ["-R", "nobody:nogroup", directory.path]), "chown")
        }
        try await Self.check(
            run(
                "initdb",
                [
                    "-D", dataDirectory, "-U", user, "--pwfile", pwfile, "--auth-local=trust",
                    "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions",
                ]), "initdb")
        try? FileManager.default.removeItem(atPath: pwfile)
        if tls {
            // TLS or nothing: connections over TCP without TLS are refused.
            let hba = "\(dataDirectory)/pg_hba.conf"
            let rules = try String(contentsOfFile: hba, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("host ") ? "hostssl " + $0.dropFirst(5) : String($0) }
            try rules.joined(separator: "\n").write(toFile: hba, atomically: false, encoding: .utf8)
        }
        // A port free a moment ago may since be taken (an ephemeral port, given to another connection of the
        // tests running alongside): the first start tries another one, twice.
        for attempt in 1...3 {
            do {
                try await start()
                return
            } catch where attempt < 3 {
                let next = try freeLoopbackPort()
                chosenPort.withLock { $0 = next }
            }
        }
    }

    /// Starts the server (again) and waits until it accepts connections.
    public func start() async throws {
        let settings = [
            "-p \(port)", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=\(dataDirectory)",
            "-c fsync=off", "-c full_page_writes=off", "-c shared_buffers=16MB",
            "-c max_connections=400",
        ] + (tls ? ["-c ssl=on", "-c ssl_cert_file=\(directory.file("server.crt"))", "-c ssl_key_file=\(directory.file("server.key"))"] : [])
        let options = settings.joined(separator: " ")
        let started = try await run(
            "pg_ctl", ["-D", dataDirectory, "-l", directory.file("server.log"), "-o", options, "-w", "-t", "60", "start"])
        if started.status != 0 {
            let log = (try? String(contentsOfFile: directory.file("server.log"), encoding: .utf8)) ?? ""
            throw HarnessError("pg_ctl start on port \(port) failed (\(started.status)): \(started.stderr) \(log.suffix(600))")
        }
    }

    /// Stops the server at once (`-m immediate`: connections are cut, as by a crash of the server).
    public func stop() async throws {
        try await Self.check(run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"]), "pg_ctl stop")
    }

    /// Creates an empty database named `name` and returns its URL.
    public func createDatabase(_ name: String) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        try await Self.check(
            runProcess(
                "\(binaries)/psql",
                ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q",
                 "-c", "CREATE DATABASE \"\(name)\""],
                environment: environment), "CREATE DATABASE")
        return url(database: name)
    }

    /// Runs SQL in `database` through psql (for tests that look behind the store's back); returns its output.
    public func psql(_ sql: String, database: String) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        let result = try await runProcess(
            "\(binaries)/psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            environment: environment)
        try Self.check(result, "psql")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server (if running) and removes its files.
    public func destroy() async {
        _ = try? await run("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        directory.remove()
    }

    /// Runs a PostgreSQL tool (as `runAs` when set) with every descriptor above 2 closed first: the server
    /// `pg_ctl start` leaves behind must not inherit the descriptor by which Foundation's `Process` learns
    /// that its child ended, or the start would seem never to finish.
    private func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let path = "\(binaries)/\(tool)"
        let command = (runAs.map { ["/sbin/runuser", "-u", $0, "--"] } ?? []) + [path] + arguments
        let closeInherited = """
            for p in /proc/$$/fd/*; do n=${p##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done
            exec "$@"
            """
        return try await runProcess("/bin/bash", ["-c", closeInherited, "bash"] + command)
    }

    private static func check(_ result: (status: Int32, stdout: String, stderr: String), _ what: String) throws {
        guard result.status == 0 else {
            throw HarnessError("\(what) failed (\(result.status)): \(result.stderr) \(result.stdout)")
        }
    }

    private static func findBinaries() -> String? {
        if let bin = ProcessInfo.processInfo.environment["PG_BIN"], !bin.isEmpty { return bin }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        return nil
    }

    /// True when PostgreSQL's server binaries are installed here.
    public static var isInstalled: Bool { findBinaries() != nil }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw HarnessError("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw HarnessError("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
