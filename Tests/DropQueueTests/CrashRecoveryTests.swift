import DropQueue
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite("kill -9 while holding jobs", .timeLimit(.minutes(10)))
struct CrashRecoveryTests {
    /// Reads the child's stdout on a dedicated thread until a full line arrives or the pipe ends.
    private static func firstLine(of handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var buffer = Data()
                while !buffer.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer += chunk
                }
                let text = String(decoding: buffer, as: UTF8.self)
                continuation.resume(returning: text.split(separator: "\n").first.map(String.init) ?? "")
            }
            thread.start()
        }
    }

    @Test("a killed process's jobs all come back after recoverAbandonedLeases, nothing lost")
    func killWhileHoldingJobs() async throws {
        let helper = BuiltProducts.executable("queue-crash-helper")
        try #require(FileManager.default.isExecutableFile(atPath: helper), "missing \(helper)")
        try await withQueue { queue, directory in
            let created = try queue.enqueue((0..<50).map { newJob("drop-\($0).pdf") }).map(\.job.id)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: helper)
            process.arguments = [queue.path, "20"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()

            // If the helper never answers, kill it so the read ends and the test fails instead of hanging.
            let pid = process.processIdentifier
            let line = await withTaskGroup(of: String?.self) { group in
                group.addTask { await Self.firstLine(of: output.fileHandleForReading) }
                group.addTask {
                    try? await Task.sleep(for: .seconds(60))
                    if !Task.isCancelled { kill(pid, SIGKILL) }
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first ?? ""
            }
            #expect(line == "claimed 20")
            kill(pid, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            let reopened = try JobQueue(path: directory.file("queue.sqlite3"), logger: quietLogger())
            let before = try reopened.counts()
            #expect(before.leased == 20)
            #expect(before[.queued] == 50)
            let stillHeld = try reopened.jobs(state: .queued, limit: 100).filter { $0.leaseOwner == "crash-helper" }
            #expect(stillHeld.count == 20)

            #expect(try reopened.recoverAbandonedLeases() == 20)
            #expect(try reopened.counts().leased == 0)
            let all = try reopened.claim(owner: "restarted", lease: .seconds(60), limit: 100)
            #expect(Set(all.map(\.id)) == Set(created))
            #expect(all.filter { $0.claims == 2 }.map(\.id).sorted() == stillHeld.map(\.id).sorted())
            #expect(try reopened.recoverAbandonedLeases() == 50)
        }
    }

    @Test("recovery makes leased jobs due at once and keeps earlier due times")
    func recoveryDueTimes() async throws {
        try await withQueue { queue, _ in
            let jobs = try queue.enqueueNew(["a", "b", "c"])
            let old = try queue.claim(owner: "old", lease: .seconds(3600), limit: 2, now: t0)
            try queue.release(jobs[1].id, token: queue.heldToken(jobs[1].id), to: .queued, nextAttemptAt: at(500), stage: nil,
                              progress: nil, attempts: 1, lastError: "x", now: at(1))
            _ = try queue.claim(owner: "old", lease: .seconds(3600), now: at(2))  // "c"

            #expect(try queue.recoverAbandonedLeases(now: at(10)) == 2)
            #expect(try queue.job(jobs[0].id)?.nextAttemptAt == t0)
            #expect(try queue.job(jobs[1].id)?.nextAttemptAt == at(500))  // not leased: untouched
            #expect(try queue.job(jobs[2].id)?.leaseOwner == nil)
            #expect(throws: QueueError.leaseLost) {
                try queue.save(jobs[0].id, token: old[0].leaseToken ?? "", stage: nil, progress: nil, attempts: 0, now: at(11))
            }
            let again = try queue.claim(owner: "new", lease: .seconds(60), limit: 5, now: at(10))
            #expect(again.map(\.id) == [jobs[0].id, jobs[2].id])
        }
    }
}
