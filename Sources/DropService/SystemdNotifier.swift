import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
import SystemSupport
#elseif canImport(Musl)
import Musl
#endif

/// Tells systemd about the daemon's state, like `sd_notify(3)` but without libsystemd: each message is
/// one datagram sent to the `AF_UNIX` socket named by `$NOTIFY_SOCKET` (a file system path, or an
/// abstract name written with a leading `@`).
///
/// Sending never blocks (a non-blocking `sendto(2)` on a fresh socket) and never throws: a failure is
/// logged once as a warning and the message is dropped, so it is safe to call from async code and
/// from any thread. A value exists only when the process runs under a supervisor that set
/// `NOTIFY_SOCKET` (systemd with `Type=notify`); otherwise there is no one to notify.
public struct SystemdNotifier: Sendable {
    /// Where notifications go.
    public enum Address: Sendable, Hashable, CustomStringConvertible {
        /// A socket bound to a file system path (absolute).
        case path(String)
        /// A socket in the abstract namespace; the name without the leading `@`/NUL.
        case abstract(String)

        /// The address as `NOTIFY_SOCKET` spells it (`/run/systemd/notify` or `@name`).
        public var description: String {
            switch self {
            case .path(let path): return path
            case .abstract(let name): return "@" + name
            }
        }
    }

    /// The notification socket's address.
    public let address: Address

    /// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC`, or nil when the watchdog is not enabled
    /// for this process (unset, zero, unparsable, or `WATCHDOG_PID` names another process).
    public let watchdogInterval: Duration?

    private let socketAddress: [UInt8]  // the bytes of sun_path, length as passed to sendto
    private let failureReported: FailureFlag
    private let logger: Logger

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment` (pass
    /// `ProcessInfo.processInfo.environment`). Returns nil when `NOTIFY_SOCKET` is unset, empty, or not
    /// an address this notifier can reach (neither an absolute path nor `@name`, or too long for
    /// `sun_path`). `logger` receives the one warning about a failed send.
    public init?(environment: [String: String], logger: Logger = Logger(label: "heygen-dropd.systemd")) {
        guard let value = environment["NOTIFY_SOCKET"], !value.isEmpty else { return nil }
        let address: Address
        var bytes: [UInt8]
        if value.hasPrefix("@") {
            let name = String(value.dropFirst())
            guard !name.isEmpty else { return nil }
            address = .abstract(name)
            bytes = [0] + Array(name.utf8)  // abstract names are not NUL-terminated
        } else if value.hasPrefix("/") {
            address = .path(value)
            bytes = Array(value.utf8) + [0]
        } else {
            return nil  // e.g. "vsock:..." addresses: not supported
        }
        guard bytes.count <= Self.sunPathCapacity else { return nil }
        self.address = address
        self.socketAddress = bytes
        self.watchdogInterval = Self.watchdogInterval(environment: environment, pid: getpid())
        self.failureReported = FailureFlag()
        self.logger = logger
    }

    /// Sends one notification, e.g. `"READY=1"` or several `KEY=VALUE` lines joined by newlines.
    /// Returns whether the datagram was handed to the socket. Never throws; the first failure is
    /// logged, later ones only at debug level.
    @discardableResult
    public func send(_ state: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else {
            reportFailure(operation: "socket", errno: errno)
            return false
        }
        defer { close(fd) }

        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: socketAddress)
        }
        let length = socklen_t(Self.sunPathOffset + socketAddress.count)

        var message = state
        let (sent, error): (Int, Int32) = message.withUTF8 { payload in
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    while true {
                        let result = sendto(fd, payload.baseAddress, payload.count, Int32(MSG_NOSIGNAL), address, length)
                        if result < 0 && errno == EINTR { continue }
                        return (result, result < 0 ? errno : 0)
                    }
                }
            }
        }
        guard sent == state.utf8.count else {
            reportFailure(operation: "sendto", errno: sent < 0 ? error : EMSGSIZE)
            return false
        }
        return true
    }

    /// `READY=1`: start-up is finished (the inbox is watched); systemd considers the service started.
    @discardableResult
    public func ready() -> Bool { send("READY=1") }

    /// `STATUS=<text>`: a one-line status shown by `systemctl status`. Newlines in `text` become spaces.
    @discardableResult
    public func status(_ text: String) -> Bool {
        let line = String(text.map { $0.isNewline ? " " : $0 })
        return send("STATUS=" + line)
    }

    /// `STOPPING=1`: the daemon has begun shutting down (draining work in flight).
    @discardableResult
    public func stopping() -> Bool { send("STOPPING=1") }

    /// `WATCHDOG=1`: the daemon is alive; must be sent at least every `WatchdogSec` (see `watchdogInterval`).
    @discardableResult
    public func watchdog() -> Bool { send("WATCHDOG=1") }

    /// Half of `WATCHDOG_USEC` when the watchdog is enabled for process `pid`, as `sd_watchdog_enabled(3)`
    /// decides: `WATCHDOG_USEC` a positive integer, and `WATCHDOG_PID` absent or equal to `pid`.
    public static func watchdogInterval(environment: [String: String], pid: pid_t) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"] {
            guard let ownerPID = Int64(owner), ownerPID == Int64(pid) else { return nil }
        }
        return .microseconds(Int64(clamping: usec / 2))
    }

    private func reportFailure(operation: String, errno code: Int32) {
        let metadata: Logger.Metadata = [
            "socket": "\(address)",
            "error": "\(operation): \(errnoText(code))",
        ]
        if failureReported.setOnce() {
            logger.warning("cannot notify systemd; further failures are logged at debug level", metadata: metadata)
        } else {
            logger.debug("cannot notify systemd", metadata: metadata)
        }
    }

    private static let sunPathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
    private static let sunPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
}

/// A flag shared by all copies of one notifier, so a failure is reported once.
private final class FailureFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    /// true for the first caller only.
    func setOnce() -> Bool {
        !raised.exchange(true, ordering: .relaxed)
    }
}
