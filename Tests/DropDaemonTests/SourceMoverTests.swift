import Foundation
import TestSupport
import Testing

@testable import DropDaemon

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
            let plan = SourceMover.plan(main: "report.pdf", companions: ["report.pdf.prompt"], inbox: inbox, to: archive)
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
            let plan = SourceMover.plan(main: "a.png", companions: [], inbox: inbox, to: archive)
            try Data("someone else's".utf8).write(to: URL(fileURLWithPath: "\(archive)/a.png"))
            #expect(try SourceMover.execute(plan) == .destinationTaken)
            #expect(try String(contentsOfFile: "\(archive)/a.png", encoding: .utf8) == "someone else's")
            #expect(FileManager.default.fileExists(atPath: "\(inbox)/a.png"))
        }
    }
}
