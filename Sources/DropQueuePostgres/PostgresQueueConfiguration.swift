import DropQueue
import PostgresNIO
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the PostgreSQL queue is and how to reach it, from a `postgres://user@host:port/db?sslmode=…` URL
/// and a password read from a file. The password never appears in `location`, a description or an error.
///
/// `sslmode` follows libpq: `disable`; `allow` and `prefer` (the default: TLS when the server offers it,
/// its certificate unchecked); `require` (TLS or no connection, certificate unchecked); `verify-ca`
/// (checked against `sslrootcert`, or the system's roots); `verify-full` (also the host name). A `host=`
/// parameter naming a directory connects through the server's Unix socket there instead of TCP.
public struct PostgresQueueConfiguration: Sendable {
    /// The server's host name or address (TCP), when no socket directory is given.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The database holding the queue.
    public var database: String
    /// The directory of the server's Unix socket, when connecting through it.
    public var socketDirectory: String?
    /// The `sslmode` asked for (libpq's names).
    public var sslMode: String
    /// The CA file for `verify-ca` and `verify-full`, if any.
    public var sslRootCertificate: String?
    /// The password, if the role needs one. Never printed.
    public var password: String?
    /// Longest time one queue operation may wait for the server (a connection, then its answer) before
    /// failing with `.unavailable`.
    public var operationTimeout: Duration = .seconds(15)
    /// Most connections this process opens to the server.
    public var maximumConnections: Int = 8

    /// Reads `url` (`postgres://` or `postgresql://`). A password inside the URL is refused: it would sit in
    /// argv, the environment or a config file. The error names the URL without it.
    public init(url: String, password: String?) throws(QueueError) {
        let shown = Self.redacted(url)
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw .cannotOpen(location: shown, message: "not a postgres:// URL")
        }
        if parts.password != nil {
            throw .cannotOpen(
                location: shown,
                message: "the URL holds a password: give it in a file (--queue-password-file, or the credential heygen-queue-password)")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw .cannotOpen(location: shown, message: "the URL names no user (postgres://USER@HOST/DATABASE)")
        }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        guard !path.isEmpty, !path.contains("/") else {
            throw .cannotOpen(location: shown, message: "the URL names no database (postgres://USER@HOST/DATABASE)")
        }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let mode = query["sslmode"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else {
            throw .cannotOpen(location: shown, message: "unknown sslmode '\(mode)'")
        }
        self.host = parts.host ?? "localhost"
        self.port = parts.port ?? 5432
        self.username = user
        self.database = path
        self.socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        self.sslMode = mode
        self.sslRootCertificate = query["sslrootcert"]
        self.password = password
    }

    /// The URL for operators: scheme, user, host, port and database, without password or parameters.
    public var location: String {
        let place = socketDirectory.map { "[\($0)]" } ?? "\(host):\(port)"
        return "postgres://\(username)@\(place)/\(database)"
    }

    /// `url` with any password and query taken out, for error messages about a URL that did not parse.
    public static func redacted(_ url: String) -> String {
        var text = url
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) }
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@") {
            let credentials = text[scheme.upperBound..<at]
            if let colon = credentials.firstIndex(of: ":") {
                text = String(text[..<colon]) + String(text[at...])
            }
        }
        return text
    }

    /// The pool's configuration for postgres-nio.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socket = socketPath {
            configuration = .init(unixSocketPath: socket, username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS
            switch tlsSettings() {
            case .none: tls = .disable
            case .some((let settings, required: true)): tls = .require(settings)
            case .some((let settings, required: false)): tls = .prefer(settings)
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The configuration of one connection (the schema check at start, which reports why a connection fails).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let socket = socketPath {
            return .init(unixSocketPath: socket, username: username, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch tlsSettings() {
        case .none: tls = .disable
        case .some((let settings, required: true)): tls = .require(try NIOSSLContext(configuration: settings))
        case .some((let settings, required: false)): tls = .prefer(try NIOSSLContext(configuration: settings))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    private var socketPath: String? {
        socketDirectory.map { ($0.hasSuffix("/") ? $0 : $0 + "/") + ".s.PGSQL.\(port)" }
    }

    /// The TLS settings `sslMode` asks for, and whether TLS is required; nil for none.
    private func tlsSettings() -> (TLSConfiguration, required: Bool)? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case "disable":
            return nil
        case "allow", "prefer":
            tls.certificateVerification = .none
            return (tls, required: false)
        case "require":
            tls.certificateVerification = .none
            return (tls, required: true)
        default:
            tls.certificateVerification = sslMode == "verify-full" ? .fullVerification : .noHostnameVerification
            if let sslRootCertificate { tls.trustRoots = .file(sslRootCertificate) }
            return (tls, required: true)
        }
    }
}
