import Foundation
import InboxWatcher
import Synchronization
import TestSupport
import Testing

@Suite("drops in batches", .timeLimit(.minutes(2)))
struct BatchedDropTests {
    @Test("a full inbox at start comes in batches, every entry once, all before onReady", arguments: [WatchMode.inotify, .poll])
    func startupScanInBatches(mode: WatchMode) async throws {
        try await withTemporaryDirectory(prefix: "watch-batches") { directory in
            let inbox = try directory.subdirectory("inbox")
            let count = 600
            for index in 0..<count {
                FileManager.default.createFile(atPath: "\(inbox)/f\(index).png", contents: Data("x\(index)".utf8))
            }
            let watcher = InboxWatcher(
                directory: inbox, settle: .seconds(1), mode: mode, pollInterval: .milliseconds(200), logger: testLogger)
            let seen = Seen()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await watcher.runBatched(
                        onReady: { seen.state.withLock { $0.atReady = $0.batches.joined().count } },
                        onDrops: { drops in seen.state.withLock { $0.batches.append(drops.map(\.name)) } })
                }
                try await eventually("the watcher is ready") { seen.state.withLock { $0.atReady } }
                group.cancelAll()
            }
            let (batches, atReady) = seen.state.withLock { ($0.batches, $0.atReady) }
            let names = batches.joined()
            #expect(atReady == count)
            #expect(names.count == count)
            #expect(Set(names) == Set((0..<count).map { "f\($0).png" }))
            #expect(batches.allSatisfy { !$0.isEmpty })
            // Reported together by one settle pass, they are handed over many at a time.
            #expect(batches.count < count / 2, "\(batches.count) batches")
        }
    }
}

/// What a batched run reported: the batches, and how many drops had come when `onReady` was called.
private final class Seen: Sendable {
    let state = Mutex<(batches: [[String]], atReady: Int?)>(([], nil))
}
