import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A bound AF_UNIX datagram socket standing in for systemd's notification socket.
final class NotifySocket: @unchecked Sendable {  // fd is immutable; reads are non-blocking
    let fd: Int32
    /// The value to put in NOTIFY_SOCKET.
    let environmentValue: String

    /// Binds to `path` (a file system path) or, when it starts with "@", to that abstract name.
    init(_ address: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        environmentValue = address
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8] = address.hasPrefix("@") ? [0] + Array(address.dropFirst().utf8) : Array(address.utf8) + [0]
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count)
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw POSIXError(.init(rawValue: code) ?? .EIO)
        }
    }

    deinit { close(fd) }

    /// The next datagram if one is queued, without waiting.
    func receiveNow() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// The next datagram, waiting (without blocking a thread) up to `limit` for it to arrive.
    func receive(within limit: Duration = .seconds(10)) async throws -> String? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let message = receiveNow() { return message }
            try await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }
}

@Suite("systemd notifier", .timeLimit(.minutes(5)))
struct SystemdNotifierTests {
    @Test func sendsStateMessagesToAPathSocket() async throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-notify")
        defer { directory.remove() }
        let socket = try NotifySocket(directory.file("notify"))
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        #expect(notifier.address == .path(directory.file("notify")))

        #expect(notifier.ready())
        #expect(socket.receiveNow() == "READY=1")
        #expect(notifier.status("3 queued, 1 uploading\nsecond line"))
        #expect(socket.receiveNow() == "STATUS=3 queued, 1 uploading second line")
        #expect(notifier.watchdog())
        #expect(socket.receiveNow() == "WATCHDOG=1")
        #expect(notifier.stopping())
        #expect(socket.receiveNow() == "STOPPING=1")
        #expect(notifier.send("READY=1\nSTATUS=multi"))
        #expect(socket.receiveNow() == "READY=1\nSTATUS=multi")
        #expect(socket.receiveNow() == nil)
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "@heygen-dropd-test-\(UUID().uuidString)"
        let socket = try NotifySocket(name)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]))
        #expect(notifier.address == .abstract(String(name.dropFirst())))
        #expect(notifier.address.description == name)
        #expect(notifier.ready())
        #expect(socket.receiveNow() == "READY=1")
    }

    @Test func needsAUsableNotifySocket() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/notify"]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"]) != nil)
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsec() throws {
        let socket = ["NOTIFY_SOCKET": "/run/systemd/notify"]
        let pid = getpid()
        func interval(_ extra: [String: String]) -> Duration? {
            SystemdNotifier(environment: socket.merging(extra) { _, new in new })?.watchdogInterval
        }
        #expect(interval(["WATCHDOG_USEC": "60000000"]) == .seconds(30))
        #expect(interval(["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "\(pid)"]) == .seconds(30))
        #expect(interval(["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "\(pid + 1)"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "x"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "soon"]) == nil)
        #expect(interval([:]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "1000"], pid: 42) == .microseconds(500))
    }

    @Test func aFailedSendIsReportedOnceAndNeverThrows() throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-notify")
        defer { directory.remove() }
        let captured = CapturedLogLines()
        let logger = Logger(label: "heygen-dropd") { label in
            TextLogHandler(label: label, level: .info, write: captured.sink)
        }
        let missing = directory.file("nobody-listens")
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": missing], logger: logger))
        #expect(notifier.ready() == false)
        #expect(notifier.watchdog() == false)
        #expect(notifier.stopping() == false)
        let lines = captured.lines
        try #require(lines.count == 1)
        #expect(lines[0].contains(" warning heygen-dropd: cannot notify systemd"))
        #expect(lines[0].contains(missing))
    }

    @Test func watchdogServicePingsUntilGracefulShutdown() async throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-notify")
        defer { directory.remove() }
        let socket = try NotifySocket(directory.file("notify"))
        let notifier = try #require(
            SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue, "WATCHDOG_USEC": "20000"])
        )
        #expect(notifier.watchdogInterval == .milliseconds(10))
        let logger = quietLogger("test")
        let group = ServiceGroup(services: [WatchdogService(notifier: notifier, logger: logger)], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<3 {
                #expect(try await socket.receive() == "WATCHDOG=1")
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()  // the service (and so the group) ends on graceful shutdown
        }
    }

    @Test func watchdogServiceStopsWhenCancelled() async throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-notify")
        defer { directory.remove() }
        let socket = try NotifySocket(directory.file("notify"))
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        #expect(notifier.watchdogInterval == nil)
        let logger = quietLogger("test")
        let service = WatchdogService(notifier: notifier, interval: .milliseconds(5), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await service.run() }
            #expect(try await socket.receive() == "WATCHDOG=1")
            tasks.cancelAll()
            try await tasks.waitForAll()
        }
    }

    @Test func withoutAWatchdogTheServiceIdlesUntilShutdown() async throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-notify")
        defer { directory.remove() }
        let socket = try NotifySocket(directory.file("notify"))
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        let logger = quietLogger("test")
        let group = ServiceGroup(services: [WatchdogService(notifier: notifier, logger: logger)], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(socket.receiveNow() == nil, "no WATCHDOG=1 without WATCHDOG_USEC")
    }
}
