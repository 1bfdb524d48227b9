import DropQueue
import Foundation
import Testing
import TestSupport

@Suite("Unusable database files", .timeLimit(.minutes(5)))
struct OpenErrorTests {
    @Test("a file of garbage gives one clear line naming the file")
    func garbageFile() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("queue.sqlite3")
            let garbage = Data(String(repeating: "this is not an SQLite database at all. ", count: 200).utf8)
            try garbage.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: QueueError.self) { try JobQueue(path: path, logger: quietLogger()) }
            #expect(error == .notADatabase)
            #expect(error.path == path)
            #expect(error.description == "cannot open queue database \(path): file is not a database")
            // Nothing was written over the user's bytes.
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        }
    }

    @Test("an SQLite file with a corrupt schema page is reported, not crashed on")
    func corruptSchema() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("queue.sqlite3")
            do { _ = try JobQueue(path: path, logger: quietLogger()) }
            // Keep the 100-byte header, scribble over the rest of page 1 (the schema table).
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seek(toOffset: 100)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 3000))
            try handle.close()
            try? FileManager.default.removeItem(atPath: path + "-wal")
            try? FileManager.default.removeItem(atPath: path + "-shm")
            let error = try #require(throws: QueueError.self) { try JobQueue(path: path, logger: quietLogger()) }
            #expect(error == .notADatabase)
            #expect(error.description.hasPrefix("cannot open queue database \(path): "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a directory where the file should be is reported with its path")
    func directoryInTheWay() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = try directory.subdirectory("queue.sqlite3")
            let error = try #require(throws: QueueError.self) { try JobQueue(path: path, logger: quietLogger()) }
            #expect(error == .cannotOpen)
            #expect(error.description.hasPrefix("cannot open queue database \(path): "))
            #expect(error.description.contains("directory"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("a missing folder is reported with the file's path")
    func missingFolder() async throws {
        try await withTemporaryDirectory(prefix: "dropqueue-test") { directory in
            let path = directory.file("no-such-folder/queue.sqlite3")
            let error = try #require(throws: QueueError.self) { try JobQueue(path: path, logger: quietLogger()) }
            #expect(error == .cannotOpen)
            #expect(error.description.hasPrefix("cannot open queue database \(path): "))
        }
    }
}
