import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import TestSupport
import Testing

/// `heygen-dropd run` refuses to start, with one clear line and a non-zero exit, when it cannot work.
@Suite("run refuses bad setups", .timeLimit(.minutes(10)))
struct RunRefusalTests {
    @Test("no API key, overlapping folders, an uncreatable folder, a second daemon: one line each, exit 1")
    func refusals() async throws {
        try await DaemonHarness.with { h in
            let noKey = try await h.command("run", environment: ["HEYGEN_API_KEY": ""])
            #expect(noKey.status == 1)
            #expect(noKey.stderr.hasPrefix("heygen-dropd: no API key"))
            #expect(noKey.stderr.split(separator: "\n").count == 1)

            let overlap = try await h.command("run", ["--archive", "\(h.inbox)/archive"])
            #expect(overlap.status == 1)
            #expect(overlap.stderr.contains("overlap"))
            #expect(overlap.stderr.split(separator: "\n").count == 1)

            _ = FileManager.default.createFile(atPath: h.root.file("plain-file"), contents: Data("x".utf8))
            let uncreatable = try await h.command("run", ["--outbox", h.root.file("plain-file/outbox")])
            #expect(uncreatable.status == 1)
            #expect(uncreatable.stderr.contains("plain-file/outbox"))
            #expect(uncreatable.stderr.split(separator: "\n").count == 1)

            let badLevel = try await h.command("run", ["--log-level", "loud"])
            #expect(badLevel.status == 1)
            #expect(badLevel.stderr.contains("log level"))
            #expect(badLevel.stderr.split(separator: "\n").count == 1)

            try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: "\(h.state)/queue.sqlite3"))
            let corrupt = try await h.command("run")
            #expect(corrupt.status == 1)
            #expect(corrupt.stderr.hasPrefix("heygen-dropd: cannot open queue database \(h.state)/queue.sqlite3"))
            #expect(corrupt.stderr.split(separator: "\n").count == 1)
            try FileManager.default.removeItem(atPath: "\(h.state)/queue.sqlite3")

            let daemon = try await h.startDaemon()
            try h.drop("probe.png", SampleMedia.bytes(.png))
            _ = try await h.waitForResults(["probe.png"])
            let second = try await h.command("run")
            #expect(second.status == 1)
            #expect(second.stderr.contains("already running"))
            #expect(try await daemon.stop() == 0)
        }
    }
}
