import Foundation
import Glibc
import InboxWatcher
import Testing
import TestSupport

@Suite("start-up errors, rescans and a lost inbox", .timeLimit(.minutes(5)))
struct RecoveryTests {
    @Test("a missing inbox is a clear error naming the path")
    func missingInbox() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("nope")
            let watcher = InboxWatcher(directory: path, settle: .milliseconds(100), logger: testLogger)
            let error = try await #require(throws: InboxWatcherError.self) {
                try await watcher.run { _ in }
            }
            #expect(error == .inboxMissing)
            #expect(error.path == path)
            #expect(error.description.contains(path))
        }
    }

    @Test("an inbox that is a file is a clear error naming the path")
    func notADirectory() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("file")
            try writeFile(path)
            let watcher = InboxWatcher(directory: path, settle: .milliseconds(100), logger: testLogger)
            let error = try await #require(throws: InboxWatcherError.self) {
                try await watcher.run { _ in }
            }
            #expect(error == .notADirectory)
            #expect(error.description.contains(path))
            #expect(error.description.contains("not a directory"))
        }
    }

    @Test("cancelling a run ends it")
    func cancellation() async throws {
        try await withTemporaryDirectory { directory in
            let watcher = InboxWatcher(directory: directory.path, settle: .milliseconds(100), logger: testLogger)
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
    }

    @Test("a rescan as after an overflow reports what is new, once, and nothing reported unchanged")
    func requestedRescan() async throws {
        try await withTemporaryDirectory { directory in
            try writeFile(directory.file("early.pdf"), count: 1)
            let outcome = try await watch(directory.path, expected: 4) { watcher in
                try writeFile(directory.file("settled.pdf"), count: 2)
                try await Task.sleep(for: .milliseconds(700))
                try writeFile(directory.file("pending-a.pdf"), count: 3)
                try writeFile(directory.file("pending-b.pdf"), count: 4)
                watcher.rescanAsAfterOverflow()
                try await Task.sleep(for: .milliseconds(50))
                watcher.rescanAsAfterOverflow()
            }
            #expect(outcome.names.sorted() == ["early.pdf", "pending-a.pdf", "pending-b.pdf", "settled.pdf"])
        }
    }

    @Test("a real inotify queue overflow: the rescan finds what the lost events were about")
    func realOverflow() async throws {
        let limit = Int(procValue("/proc/sys/fs/inotify/max_queued_events")) ?? 16384
        try #require(limit <= 1_000_000, "max_queued_events too large to overflow in a test")
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, expected: 3) { watcher in
                await watcher.pauseReading()
                let first = try OpenFile(directory.file("flood-a.wav"))
                let second = try OpenFile(directory.file("flood-b.wav"))
                // Alternate so the kernel cannot merge consecutive identical events.
                for _ in 0..<(limit / 2 + 1000) {
                    try first.write(1)
                    try second.write(1)
                }
                first.close()
                second.close()
                try writeFile(directory.file("late.pdf"), count: 8)
                watcher.resumeReading()
            }
            let floodSize = "size=\(limit / 2 + 1000)"
            #expect(
                Set(outcome.drops) == [
                    ObservedDrop(name: "flood-a.wav", kind: .file, content: floodSize),
                    ObservedDrop(name: "flood-b.wav", kind: .file, content: floodSize),
                    ObservedDrop(name: "late.pdf", kind: .file, content: "size=8"),
                ])
            #expect(outcome.drops.count == 3)
        }
    }

    @Test("an inbox deleted and made again is watched again")
    func inboxRecreated() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(inbox, expected: 2) { _ in
                try writeFile(inbox + "/doomed.pdf")
                unlink(inbox + "/doomed.pdf")
                #expect(rmdir(inbox) == 0)
                try await Task.sleep(for: .milliseconds(300))
                #expect(mkdir(inbox, 0o755) == 0)
                try writeFile(inbox + "/first.pdf", count: 1)
                try await Task.sleep(for: .milliseconds(600))
                try writeFile(inbox + "/second.pdf", count: 2)
            }
            #expect(outcome.names.sorted() == ["first.pdf", "second.pdf"])
        }
    }

    @Test("an inbox moved away: the new folder at the path is watched, the old one no longer")
    func inboxMovedAway() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(inbox, expected: 1) { _ in
                try move(inbox, directory.file("inbox.old"))
                try writeFile(directory.file("inbox.old/stale.pdf"))
                #expect(mkdir(inbox, 0o755) == 0)
                try await Task.sleep(for: .milliseconds(600))
                try writeFile(inbox + "/fresh.pdf", count: 3)
                try writeFile(directory.file("inbox.old/stale-2.pdf"))
            }
            #expect(outcome.drops == [ObservedDrop(name: "fresh.pdf", kind: .file, content: "size=3")])
        }
    }
}

/// The first line of a /proc file.
func procValue(_ path: String) -> String {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
}
