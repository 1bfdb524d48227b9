import Foundation
import Glibc
import InboxWatcher
import Logging
import TestSupport
import Testing

/// A drop as it looked when `onDrop` was called.
struct ObservedDrop: Hashable, CustomStringConvertible {
    var name: String
    var kind: DropKind
    /// A file: "size=N". A directory: its entries as "name:size", sorted, joined by ",". "gone" if it vanished.
    var content: String

    var description: String { "\(kind.rawValue) \(name) [\(content)]" }
}

/// What a watcher run reported.
struct WatchOutcome {
    /// Every drop, in the order `onDrop` was called.
    var drops: [ObservedDrop]
    /// How many drops came before `onReady`.
    var dropsBeforeReady: Int

    /// The names reported, in order.
    var names: [String] { drops.map(\.name) }
}

private enum HarnessEvent: Sendable {
    case ready
    case drop(InboxDrop, content: String)
    case timedOut
}

/// The logger for tests: silent unless INBOX_WATCHER_TEST_LOG names a level (e.g. "debug").
let testLogger: Logger = {
    guard let level = ProcessInfo.processInfo.environment["INBOX_WATCHER_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
    else {
        return quietLogger("inbox-watcher-test")
    }
    var logger = Logger(label: "inbox-watcher-test", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = level
    return logger
}()

/// Runs a watcher on `inbox`; once it is ready runs `actions`, then collects drops until `expected`
/// of them arrived (or `timeout` passed: the test then fails on the list), then waits `quiet` more
/// (by default the settle window and half a second, plus two poll intervals when polling) so that any
/// extra (duplicate) drop shows up too. `mode` is inotify unless given.
func watch(
    _ inbox: String,
    settle: Duration = .milliseconds(250),
    mode: WatchMode = .inotify,
    pollInterval: Duration = .milliseconds(50),
    expected: Int,
    quiet: Duration? = nil,
    timeout: Duration = .seconds(30),
    _ actions: @Sendable (InboxWatcher) async throws -> Void = { _ in }
) async throws -> WatchOutcome {
    let watcher = InboxWatcher(
        directory: inbox, settle: settle, mode: mode, pollInterval: pollInterval, logger: testLogger)
    let (events, continuation) = AsyncStream.makeStream(of: HarnessEvent.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await watcher.run(
                onReady: { continuation.yield(.ready) },
                onDrop: { drop in continuation.yield(.drop(drop, content: snapshot(of: inbox + "/" + drop.name))) }
            )
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            continuation.yield(.timedOut)
        }
        var outcome = WatchOutcome(drops: [], dropsBeforeReady: 0)
        var iterator = events.makeAsyncIterator()
        var ready = false
        var timedOut = false
        waitForReady: while let event = await iterator.next() {
            switch event {
            case .ready:
                ready = true
                break waitForReady
            case .drop(let drop, let content):
                outcome.drops.append(ObservedDrop(name: drop.name, kind: drop.kind, content: content))
            case .timedOut:
                timedOut = true
                break waitForReady
            }
        }
        outcome.dropsBeforeReady = outcome.drops.count
        if ready {
            try await actions(watcher)
            while !timedOut, outcome.drops.count < expected, let event = await iterator.next() {
                switch event {
                case .drop(let drop, let content):
                    outcome.drops.append(ObservedDrop(name: drop.name, kind: drop.kind, content: content))
                case .timedOut: timedOut = true
                case .ready: Issue.record("onReady called twice")
                }
            }
            if !timedOut {
                try await Task.sleep(for: quiet ?? settle + .milliseconds(500) + (mode == .inotify ? .zero : pollInterval * 2))
            }
        } else {
            Issue.record("the watcher never became ready")
        }
        group.cancelAll()
        try await group.waitForAll()
        continuation.finish()
        while let event = await iterator.next() {
            if case .drop(let drop, let content) = event {
                outcome.drops.append(ObservedDrop(name: drop.name, kind: drop.kind, content: content))
            }
        }
        return outcome
    }
}

/// "size=N" for a file, the sorted "name:size" entries for a directory, "gone" if missing.
func snapshot(of path: String) -> String {
    var info = stat()
    guard lstat(path, &info) == 0 else { return "gone" }
    if info.st_mode & S_IFMT == S_IFDIR {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\($0):\(fileSize(path + "/" + $0) ?? -1)" }.joined(separator: ",")
    }
    return "size=\(info.st_size)"
}

/// A file open for writing, written in pieces by the test.
final class OpenFile: Sendable {
    let fd: Int32

    /// Opens `path` for writing (created if needed; truncated unless `append`).
    init(_ path: String, append: Bool = false) throws {
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o644)
        if fd < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// Writes `count` bytes of `byte`.
    func write(_ count: Int, byte: UInt8 = 0x41) throws {
        let bytes = [UInt8](repeating: byte, count: count)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        if written != count { throw POSIXError(.EIO) }
    }

    func close() {
        _ = Glibc.close(fd)
    }
}

/// Creates (or replaces) `path` with `count` bytes in one open-write-close.
func writeFile(_ path: String, count: Int = 16) throws {
    let file = try OpenFile(path)
    defer { file.close() }
    try file.write(count)
}

/// rename(2), failing the test on error.
func move(_ from: String, _ to: String) throws {
    if rename(from, to) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}

/// Runs `body` on a thread of its own and waits for it without blocking a task: the pauses of a
/// writer there (`pause(_:)`) last as long as they say, however busy the test process's task pool is.
func onOwnThread(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let thread = Thread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}

/// Sleeps the calling thread (for writers running through `onOwnThread`).
func pause(_ duration: Duration) {
    let parts = duration.components
    usleep(useconds_t(parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000))
}
