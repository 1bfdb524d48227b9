import Foundation
import InboxWatcher
import Testing
import TestSupport

@Suite("watch mode: the choice by file system")
struct WatchChoiceTests {
    static let nfs = FileSystemKind(magic: 0x6969)
    static let ext4 = FileSystemKind(magic: 0xEF53)

    @Test("NFS, SMB, CIFS, SMB2, FUSE and 9p are shared; local file systems and unknown types are not")
    func sharedKinds() {
        let shared: [UInt32: String] = [
            0x6969: "NFS", 0x517B: "SMB", 0xFF53_4D42: "CIFS", 0xFE53_4D42: "SMB2", 0x6573_5546: "FUSE", 0x0102_1997: "9p",
        ]
        for (magic, name) in shared {
            let kind = FileSystemKind(magic: magic)
            #expect(kind.isShared, "\(name)")
            #expect(kind.name == name)
        }
        for magic: UInt32 in [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0x794C_7630, 0x1234_5678] {
            #expect(!FileSystemKind(magic: magic).isShared, "\(String(magic, radix: 16))")
        }
        #expect(Self.nfs.description == "NFS (statfs type 0x6969)")
        #expect(FileSystemKind(magic: 0x1234_5678).description == "statfs type 0x12345678")
    }

    @Test("auto polls on a shared file system and uses inotify elsewhere; inotify and poll force one")
    func decisions() {
        let table: [(WatchMode, FileSystemKind, WatchChoice.Method, Bool)] = [
            (.auto, Self.nfs, .poll, false),
            (.auto, FileSystemKind(magic: 0x6573_5546), .poll, false),
            (.auto, FileSystemKind(magic: 0x0102_1997), .poll, false),
            (.auto, FileSystemKind(magic: 0xFF53_4D42), .poll, false),
            (.auto, Self.ext4, .inotify, false),
            (.auto, FileSystemKind(magic: 0x1234_5678), .inotify, false),
            (.inotify, Self.ext4, .inotify, false),
            (.inotify, Self.nfs, .inotify, true),
            (.poll, Self.ext4, .poll, false),
            (.poll, Self.nfs, .poll, false),
        ]
        for (mode, fileSystem, method, misses) in table {
            let choice = WatchChoice.decide(mode: mode, fileSystem: fileSystem)
            #expect(choice.method == method, "\(mode) on \(fileSystem)")
            #expect(choice.missesOtherHostsWrites == misses, "\(mode) on \(fileSystem)")
            #expect(choice.reason.contains("watch mode \(mode.rawValue)"))
            #expect(choice.reason.contains(fileSystem.description))
        }
        #expect(
            WatchChoice.decide(mode: .auto, fileSystem: Self.nfs).reason
                == "watch mode auto and the inbox is on a shared file system, NFS (statfs type 0x6969), where inotify does not see writes made by other hosts"
        )
    }

    @Test("auto on a local folder picks inotify, and the log says so and why", .timeLimit(.minutes(1)))
    func autoOnLocalFolder() async throws {
        try await withTemporaryDirectory { directory in
            let choice = try InboxWatcher.choice(for: directory.path, mode: .auto)
            #expect(choice.method == .inotify)
            #expect(!choice.fileSystem.isShared)
            let captured = CapturedLog()
            let watcher = InboxWatcher(directory: directory.path, settle: .milliseconds(50), logger: captured.logger)
            try await runUntilReady(watcher)
            #expect(captured.count(containing: "watching the inbox with inotify: watch mode auto and the inbox is on a local file system") == 1)
        }
    }

    @Test("poll forced on a local folder polls, and the log says so", .timeLimit(.minutes(1)))
    func pollForced() async throws {
        try await withTemporaryDirectory { directory in
            let captured = CapturedLog()
            let watcher = InboxWatcher(
                directory: directory.path, settle: .milliseconds(50), mode: .poll, pollInterval: .milliseconds(250),
                logger: captured.logger)
            try await runUntilReady(watcher)
            #expect(captured.count(containing: "polling the inbox every 250 ms: watch mode poll") == 1)
        }
    }

    @Test("a missing inbox is the same clear error in every mode", arguments: [WatchMode.auto, .inotify, .poll])
    func missingInbox(mode: WatchMode) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("nope")
            #expect(throws: InboxWatcherError.inboxMissing) { try InboxWatcher.choice(for: path, mode: mode) }
            let watcher = InboxWatcher(directory: path, settle: .milliseconds(50), mode: mode, logger: testLogger)
            let error = try await #require(throws: InboxWatcherError.self) { try await watcher.run { _ in } }
            #expect(error == .inboxMissing)
            #expect(error.description.contains(path))
        }
    }
}

/// Runs `watcher` until it is ready, then stops it.
func runUntilReady(_ watcher: InboxWatcher) async throws {
    let (readySignal, ready) = AsyncStream.makeStream(of: Void.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await watcher.run(onReady: { ready.yield() }, onDrop: { _ in })
        }
        for await _ in readySignal { break }
        group.cancelAll()
        try await group.waitForAll()
    }
}
