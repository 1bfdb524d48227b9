import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// Moving sources out of the inbox never overwrites anything.
@Suite("source mover", .timeLimit(.minutes(5)))
struct SourceMoverTests {
    @Test("a rename with RENAME_NOREPLACE refuses an existing destination, even an empty directory")
    func noReplaceRename() async throws {
        try await withTemporaryDirectory { dir in
            let source = try dir.subdirectory("bundle")
            try Data("x".utf8).write(to: URL(fileURLWithPath: "\(source)/a.png"))
            let occupied = try dir.subdirectory("occupied")
            #expect(NoReplaceRename.rename(source, occupied) == .failed(EEXIST))
            #expect(FileManager.default.fileExists(atPath: "\(source)/a.png"))
            #expect(NoReplaceRename.rename(source, dir.file("free")) == .renamed)
            #expect(FileManager.default.fileExists(atPath: dir.file("free/a.png")))
        }
    }

    @Test("a taken name gets a suffix before the extension, and the sidecars follow their file")
    func suffixedGroup() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let archive = try dir.subdirectory("archive")
            for name in ["report.pdf", "report.pdf.prompt"] {
                try Data(name.utf8).write(to: URL(fileURLWithPath: "\(inbox)/\(name)"))
            }
            try Data("older".utf8).write(to: URL(fileURLWithPath: "\(archive)/report.pdf"))
            let plan = SourceMover.plan(
                main: "report.pdf", identity: identity("\(inbox)/report.pdf"),
                companions: [("report.pdf.prompt", identity("\(inbox)/report.pdf.prompt"))], inbox: inbox, to: archive)
            #expect(plan.map(\.to) == ["\(archive)/report-1.pdf", "\(archive)/report-1.pdf.prompt"])
            #expect(try SourceMover.execute(plan) == .done)
            #expect(try String(contentsOfFile: "\(archive)/report.pdf", encoding: .utf8) == "older")
            #expect(try String(contentsOfFile: "\(archive)/report-1.pdf", encoding: .utf8) == "report.pdf")
            #expect(try FileManager.default.contentsOfDirectory(atPath: inbox).isEmpty)
            // Carrying out the same plan again (a restart after the move) changes nothing.
            #expect(try SourceMover.execute(plan) == .done)
        }
    }

    @Test("a destination taken after planning is reported, not overwritten")
    func takenAfterPlanning() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let archive = try dir.subdirectory("archive")
            try Data("new".utf8).write(to: URL(fileURLWithPath: "\(inbox)/a.png"))
            let plan = SourceMover.plan(main: "a.png", identity: identity("\(inbox)/a.png"), companions: [], inbox: inbox, to: archive)
            try Data("someone else's".utf8).write(to: URL(fileURLWithPath: "\(archive)/a.png"))
            #expect(try SourceMover.execute(plan) == .destinationTaken)
            #expect(try String(contentsOfFile: "\(archive)/a.png", encoding: .utf8) == "someone else's")
            #expect(FileManager.default.fileExists(atPath: "\(inbox)/a.png"))
        }
    }

    @Test("an entry replaced or edited after its check stays in the inbox; the others move")
    func replacedStays() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let archive = try dir.subdirectory("archive")
            for name in ["a.png", "a.png.prompt"] {
                try Data(name.utf8).write(to: URL(fileURLWithPath: "\(inbox)/\(name)"))
            }
            let plan = SourceMover.plan(
                main: "a.png", identity: identity("\(inbox)/a.png"),
                companions: [("a.png.prompt", identity("\(inbox)/a.png.prompt"))], inbox: inbox, to: archive)
            // The file is replaced by rename; the sidecar edited in place with its mtime set back.
            try Data("newcomer".utf8).write(to: URL(fileURLWithPath: "\(inbox)/.tmp"))
            #expect(rename("\(inbox)/.tmp", "\(inbox)/a.png") == 0)
            try await Task.sleep(for: .milliseconds(20))
            try editKeepingMtime("\(inbox)/a.png.prompt")
            #expect(try SourceMover.execute(plan) == .done(leftInPlace: ["\(inbox)/a.png", "\(inbox)/a.png.prompt"]))
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive).isEmpty)
            #expect(try String(contentsOfFile: "\(inbox)/a.png", encoding: .utf8) == "newcomer")
        }
    }

    @Test("an entry swapped for a symlink is not moved, and archive/ never gets the symlink")
    func symlinkNeverMoved() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let archive = try dir.subdirectory("archive")
            let outside = try dir.subdirectory("outside")
            try FileManager.default.createDirectory(atPath: "\(inbox)/b", withIntermediateDirectories: false)
            let plan = SourceMover.plan(main: "b", identity: identity("\(inbox)/b"), companions: [], inbox: inbox, to: archive)
            #expect(rename("\(inbox)/b", dir.file("moved-away")) == 0)
            #expect(symlink(outside, "\(inbox)/b") == 0)
            #expect(try SourceMover.execute(plan) == .done(leftInPlace: ["\(inbox)/b"]))
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive).isEmpty)
        }
    }

    @Test("kill -9 between link and unlink, then a re-drop under the same name: recovery keeps the newcomer in the inbox")
    func crashBetweenLinkAndUnlink() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let archive = try dir.subdirectory("archive")
            try Data("old".utf8).write(to: URL(fileURLWithPath: "\(inbox)/a.png"))
            let plan = SourceMover.plan(main: "a.png", identity: identity("\(inbox)/a.png"), companions: [], inbox: inbox, to: archive)
            // The state a crash right after link() leaves, then a new file renamed over the old name.
            #expect(link("\(inbox)/a.png", "\(archive)/a.png") == 0)
            try Data("new".utf8).write(to: URL(fileURLWithPath: "\(inbox)/.tmp"))
            #expect(rename("\(inbox)/.tmp", "\(inbox)/a.png") == 0)
            #expect(try SourceMover.execute(plan) == .done)
            #expect(try String(contentsOfFile: "\(archive)/a.png", encoding: .utf8) == "old")
            #expect(try String(contentsOfFile: "\(inbox)/a.png", encoding: .utf8) == "new")
            // Without a re-drop, recovery finishes the move.
            try Data("solo".utf8).write(to: URL(fileURLWithPath: "\(inbox)/b.png"))
            let second = SourceMover.plan(main: "b.png", identity: identity("\(inbox)/b.png"), companions: [], inbox: inbox, to: archive)
            #expect(link("\(inbox)/b.png", "\(archive)/b.png") == 0)
            #expect(try SourceMover.execute(second) == .done)
            #expect(!FileManager.default.fileExists(atPath: "\(inbox)/b.png"))
            #expect(try String(contentsOfFile: "\(archive)/b.png", encoding: .utf8) == "solo")
        }
    }

    @Test("an entry without a checked identity is never moved")
    func noIdentityNoMove() async throws {
        try await withTemporaryDirectory { dir in
            let inbox = try dir.subdirectory("inbox")
            let archive = try dir.subdirectory("archive")
            #expect(mkfifo("\(inbox)/p.png", 0o644) == 0)
            let plan = SourceMover.plan(main: "p.png", identity: nil, companions: [], inbox: inbox, to: archive)
            #expect(try SourceMover.execute(plan) == .done(leftInPlace: ["\(inbox)/p.png"]))
            #expect(try FileManager.default.contentsOfDirectory(atPath: archive).isEmpty)
        }
    }

    @Test("syncTree flushes every file and folder of a copied bundle")
    func syncTreeWalksEverything() async throws {
        try await withTemporaryDirectory { dir in
            let bundle = try dir.subdirectory("bundle")
            try FileManager.default.createDirectory(atPath: "\(bundle)/deeper", withIntermediateDirectories: false)
            try Data("a".utf8).write(to: URL(fileURLWithPath: "\(bundle)/a.png"))
            try Data("b".utf8).write(to: URL(fileURLWithPath: "\(bundle)/deeper/b.png"))
            #expect(symlink("/nonexistent", "\(bundle)/dangling") == 0)
            try SourceMover.syncTree(bundle)
            #expect(throws: FileIOError.self) { try SourceMover.syncTree(dir.file("missing")) }
        }
    }
}

/// The identity of what is at `path` now (lstat).
func identity(_ path: String) -> EntryIdentity? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return EntryIdentity(info)
}

/// Overwrites `count` bytes of `path` at `offset` with `byte`, in place, and sets its modification time back.
func editKeepingMtime(_ path: String, at offset: off_t = 0, byte: UInt8 = UInt8(ascii: "Z"), count: Int = 1) throws {
    var before = stat()
    guard stat(path, &before) == 0 else { throw HarnessError("cannot stat \(path)") }
    let fd = open(path, O_WRONLY)
    guard fd >= 0 else { throw HarnessError("cannot open \(path)") }
    defer { close(fd) }
    guard pwrite(fd, [UInt8](repeating: byte, count: count), count, offset) == count else { throw HarnessError("cannot write \(path)") }
    var times = [before.st_atim, before.st_mtim]
    _ = futimens(fd, &times)
}
