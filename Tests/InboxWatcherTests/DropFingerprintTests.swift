import Glibc
import InboxWatcher
import Synchronization
import Testing
import TestSupport

/// What a watcher reported, and whether it is ready.
private final class Reported: Sendable {
    let drops = Mutex<[InboxDrop]>([])
    let ready = Atomic<Bool>(false)
}

@Suite("drop fingerprints")
struct DropFingerprintTests {
    @Test("the queue key is dev:ino:size:mtime_ns; a change of ctime alone is the same version")
    func queueKey() {
        let seen = DropFingerprint(device: 2049, inode: 77, size: 1234, mtimeNanoseconds: 5_000_000_001, ctimeNanoseconds: 9)
        #expect(seen.queueKey == "2049:77:1234:5000000001")
        #expect(seen.description == seen.queueKey)
        var chmodded = seen
        chmodded.ctimeNanoseconds = 10
        #expect(chmodded.isSameVersion(as: seen))
        #expect(chmodded != seen)
        for change in [\DropFingerprint.size, \.mtimeNanoseconds] {
            var other = seen
            other[keyPath: change] += 1
            #expect(!other.isSameVersion(as: seen))
        }
        var moved = seen
        moved.inode += 1
        #expect(!moved.isSameVersion(as: seen))
    }

    @Test("a drop carries what the watcher saw when it settled: the entry's identity, as `sourceFingerprint` gives it",
          .timeLimit(.minutes(1)))
    func dropCarriesFingerprint() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let reported = Reported()
            let watcher = InboxWatcher(directory: inbox, settle: .milliseconds(100), logger: testLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await watcher.run(
                        onReady: { reported.ready.store(true, ordering: .relaxed) },
                        onDrop: { drop in reported.drops.withLock { $0.append(drop) } })
                }
                while !reported.ready.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
                try writeFile(inbox + "/seen.pdf", count: 321)
                #expect(mkdir(inbox + "/deck", 0o755) == 0)
                let deadline = ContinuousClock.now + .seconds(20)
                while reported.drops.withLock({ $0.count }) < 2 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
                try await group.waitForAll()
            }
            let seen = reported.drops.withLock { $0 }
            let file = try #require(seen.first { $0.name == "seen.pdf" })
            #expect(file.fingerprint.size == 321)
            #expect(file.fingerprint.queueKey == sourceFingerprint(path: inbox + "/seen.pdf"))
            let bundle = try #require(seen.first { $0.name == "deck" })
            #expect(bundle.kind == .directory)
            #expect(bundle.fingerprint.queueKey == sourceFingerprint(path: inbox + "/deck"))
            var info = stat()
            #expect(lstat(inbox + "/seen.pdf", &info) == 0)
            #expect(file.fingerprint.inode == UInt64(info.st_ino))
            #expect(file.fingerprint.ctimeNanoseconds == Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
        }
    }
}
