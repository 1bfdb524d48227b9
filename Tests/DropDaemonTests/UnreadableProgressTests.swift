import CSQLite
import DropQueue
import Foundation
import HeyGenAPI
import Logging
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// Saved progress that cannot be read fails its job with a clear error; it never starts the job over (which
/// could upload again and create, and bill, a second Video Agent video).
@Suite("unreadable progress", .serialized)
struct UnreadableProgressTests {
    static let logger = quietLogger("test.progress")

    @Test("decoding: damaged and newer records throw; none starts fresh; version 1 records get their phase")
    func decoding() throws {
        #expect(try JobProgress.decode(nil) == JobProgress())
        #expect(try JobProgress.decode(Data()) == JobProgress())
        #expect(throws: ProgressUnreadable.self) { try JobProgress.decode(Data("{\"run\": 0, \"checked\": tr".utf8)) }
        #expect(throws: ProgressUnreadable.self) { try JobProgress.decode(Data("[1, 2, 3]".utf8)) }
        do {
            _ = try JobProgress.decode(Data("{\"version\": 99, \"phase\": \"transcoding\"}".utf8))
            Issue.record("a newer record decoded")
        } catch {
            #expect(error.description.contains("newer version"))
            #expect(error.description.contains("99"))
        }
        // Round trip: version and phase are stored.
        var progress = JobProgress(run: 2)
        progress.phase = .awaitingSlot
        let decoded = try JobProgress.decode(progress.encoded())
        #expect(decoded == progress)
        #expect(decoded.version == JobProgress.currentVersion)
        #expect(decoded.phase == .awaitingSlot)
        // A record of version 1 (no version, no phase): its phase follows from what it holds.
        let legacy = Data("{\"run\": 0, \"checked\": true, \"files\": [], \"sessionID\": \"s-1\"}".utf8)
        let old = try JobProgress.decode(legacy)
        #expect(old.version == nil)
        #expect(old.phase == .waitingForVideo)
        #expect(try JobProgress.decode(Data("{\"run\": 0, \"checked\": false, \"files\": []}".utf8)).phase == .checking)
    }

    @Test(
        "a damaged or newer progress record in the database fails the job with a clear error; nothing is uploaded",
        .timeLimit(.minutes(3)),
        arguments: [
            ("damaged.png", Data("{\"run\": 0, \"checked\": true, \"files\": [{\"name\": ".utf8), "damaged"),
            ("newer.png", Data("{\"version\": 7, \"phase\": \"translating\", \"run\": 0}".utf8), "newer version"),
        ])
    func unreadableRecordFailsTheJob(name: String, blob: Data, says: String) async throws {
        try await DaemonHarness.with { h in
            try h.drop(name, SampleMedia.bytes(.png, seed: 77))
            // The job, as a run of another version left it: queued, with a progress record this one cannot read.
            let path = "\(h.state)/queue.sqlite3"
            do {
                let queue = try JobQueue(path: path, logger: Self.logger)
                _ = try queue.enqueue(NewJob(sourceName: name, kind: .file, fingerprint: "from-another-run"))
            }
            try Self.setProgress(blob, of: name, in: path)

            let daemon = try await h.startDaemon()
            let result = try #require(try await h.waitForResults([name])[name])
            #expect(result.status == "failed")
            let message = result.json["error"]?["message"]?.string ?? ""
            #expect(message.contains("saved progress cannot be read"), "\(message)")
            #expect(message.contains(says), "\(message)")
            #expect(message.contains("not started again"), "\(message)")
            #expect(h.simulator.stats.requests["POST /v3/assets"] == nil)
            #expect(h.simulator.stats.agentsCreated == 0)
            #expect(h.list(h.failed) == [name])
            #expect(try await daemon.stop() == 0)
        }
    }

    /// Writes `blob` as the progress of the job for `name`, through a connection of its own.
    static func setProgress(_ blob: Data, of name: String, in path: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK else {
            sqlite3_close(handle)
            throw HarnessError("cannot open \(path)")
        }
        defer { sqlite3_close(handle) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "UPDATE jobs SET progress = ?1 WHERE source_name = ?2", -1, &statement, nil) == SQLITE_OK
        else { throw HarnessError("cannot prepare: \(String(cString: sqlite3_errmsg(handle)))") }
        defer { sqlite3_finalize(statement) }
        _ = blob.withUnsafeBytes { bytes in
            sqlite3_bind_blob(statement, 1, bytes.baseAddress, Int32(bytes.count), csqlite_transient())
        }
        sqlite3_bind_text(statement, 2, name, -1, csqlite_transient())
        guard sqlite3_step(statement) == SQLITE_DONE, sqlite3_changes(handle) == 1 else {
            throw HarnessError("cannot set the progress of \(name): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }
}
