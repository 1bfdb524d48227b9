import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings
#if canImport(Glibc)
import Glibc
#endif

/// Attacks by whoever can write the inbox, with the real binary against the simulator: symlinks, FIFOs and
/// swaps never make the daemon read, upload or move anything but the entry it checked.
@Suite("Hostile inbox: what is read", .serialized)
struct HostileInboxTests {
    @Test("a sidecar swapped again and again with a symlink to a key file: the key never reaches a result, the database, the API or the log",
          .timeLimit(.minutes(8)))
    func sidecarSymlinkRace() async throws {
        try #require(RenameExchange.isAvailable)
        var faults = SimulatorFaults()
        faults.pollsUntilVideoID = 1
        faults.pollsUntilCompleted = 1
        try await DaemonHarness.with(faults: faults) { h in
            // Every swap is an inotify event: keep the log to what matters.
            h.environment["HEYGEN_DROPD_LOG_LEVEL"] = "info"
            let secret = "sk-live-canary-do-not-leak-5d81c0"
            let keyFile = h.root.file("heygen-api-key")
            try Data("\(secret)\n".utf8).write(to: URL(fileURLWithPath: keyFile))
            let daemon = try await h.startDaemon()
            let batches = 30, perBatch = 10
            var outcomes: [String: Int] = [:]
            var swaps = 0
            for batch in 0..<batches {
                var pairs: [(String, String)] = []
                var names: [String] = []
                for index in 0..<perBatch {
                    let name = "x\(batch)-\(index).png"
                    let link = "\(h.inbox)/.link-\(batch)-\(index)"
                    #expect(symlink(keyFile, link) == 0)
                    try h.drop("\(name).prompt", Data("Say hello to \(name)".utf8))
                    pairs.append(("\(h.inbox)/\(name).prompt", link))
                    names.append(name)
                }
                let swapper = Swapper(pairs: pairs)
                for (index, name) in names.enumerated() {
                    try h.drop(name, SampleMedia.bytes(.png, seed: 10_000 + batch * perBatch + index))
                }
                let results = try await h.waitForResults(names, timeout: .seconds(90))
                swaps += try await swapper.stop()
                for (name, result) in results {
                    let prompt = result.videoAgent?["prompt"]?.string
                    #expect(prompt == nil || prompt == "Say hello to \(name)", "\(name): \(prompt ?? "-")")
                    let outcome = result.errorCode ?? (prompt != nil ? "video" : "no video")
                    outcomes[outcome, default: 0] += 1
                }
                #expect(h.simulator.stats.lastAgentRequestBody.map { "\($0)".contains(secret) } != true)
            }
            #expect(try await daemon.stop() == 0)
            print("sidecar symlink race: \(batches * perBatch) tries, \(swaps) swaps, outcomes \(outcomes.sorted { $0.key < $1.key })")
            #expect(swaps > batches * perBatch)
            #expect(outcomes.values.reduce(0, +) == batches * perBatch)
            let canary = Data(secret.utf8)
            for (path, data) in h.everythingWritten(logs: [daemon]) {
                #expect(data.range(of: canary) == nil, "the key leaked into \(path)")
            }
            // Nothing the daemon moved is a symlink.
            for folder in [h.archive, h.failed] {
                for entry in h.list(folder) {
                    #expect(FileIO.kind("\(folder)/\(entry)") != .symlink, "\(folder)/\(entry)")
                }
            }
        }
    }

    @Test("files swapped for FIFOs before and during their upload fail without blocking; other drops flow; SIGTERM exits 0",
          .timeLimit(.minutes(3)))
    func fifoSwappedIn() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 1500
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_WORKERS"] = "2"
            let daemon = try await h.startDaemon()
            // first.png is swapped for a FIFO while it is uploaded; the others while they wait for a worker.
            try h.drop("first.png", SampleMedia.bytes(.png, seed: 1))
            try h.drop("busy.png", SampleMedia.bytes(.png, seed: 2))
            try await h.wait(for: "two uploads in flight") { h.assetPosts >= 2 }
            for name in ["second.png", "third.png", "fourth.png"] {
                try h.drop(name, SampleMedia.bytes(.png, seed: name.count))
            }
            try await Task.sleep(for: .milliseconds(600))
            for name in ["first.png", "second.png", "third.png", "fourth.png"] {
                #expect(mkfifo("\(h.inbox)/.fifo-\(name)", 0o644) == 0)
                #expect(rename("\(h.inbox)/.fifo-\(name)", "\(h.inbox)/\(name)") == 0)
            }
            try h.drop("after.png", SampleMedia.bytes(.png, seed: 99))
            let names = ["first.png", "busy.png", "second.png", "third.png", "fourth.png", "after.png"]
            let results = try await h.waitForResults(names, timeout: .seconds(60))
            #expect(results["busy.png"]?.status == "succeeded")
            #expect(results["after.png"]?.status == "succeeded")
            for name in ["first.png", "second.png", "third.png", "fourth.png"] {
                let code = results[name]?.errorCode
                #expect(code == "unsupported_type" || code == "vanished", "\(name): \(code ?? "-")")
                #expect(results[name]?.movedTo == nil)
                #expect(FileIO.kind("\(h.inbox)/\(name)") == .other, "the FIFO \(name) stays where it was")
            }
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit(timeout: .seconds(20)) == 0)
            #expect(h.list(h.archive) == ["after.png", "busy.png"])
            #expect(h.list(h.failed).isEmpty)
        }
    }

    @Test("a bundle swapped for a symlink during its uploads: nothing from outside is uploaded, moved or reused",
          .timeLimit(.minutes(3)))
    func bundleSwappedForSymlink() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 800
        try await DaemonHarness.with(faults: faults) { h in
            let outside = try h.root.subdirectory("outside")
            let staging = try h.root.subdirectory("staging")
            try FileManager.default.createDirectory(atPath: "\(staging)/b", withIntermediateDirectories: false)
            var members: [String: Data] = [:]
            for (index, name) in ["one.png", "three.png", "two.png"].enumerated() {
                let inside = SampleMedia.bytes(.png, size: 3000, seed: 40 + index)
                members[name] = inside
                try inside.write(to: URL(fileURLWithPath: "\(staging)/b/\(name)"))
                try SampleMedia.bytes(.png, size: 7001 + index, seed: 50 + index).write(to: URL(fileURLWithPath: "\(outside)/\(name)"))
            }
            let daemon = try await h.startDaemon()
            #expect(rename("\(staging)/b", "\(h.inbox)/b") == 0)
            try await h.wait(for: "the first member's upload") { h.assetPosts >= 1 }
            #expect(rename("\(h.inbox)/b", h.root.file("elsewhere")) == 0)
            #expect(symlink(outside, "\(h.inbox)/b") == 0)
            let result = try #require(try await h.waitForResults(["b"])["b"])
            #expect(result.status == "failed")
            #expect(result.errorCode == "unsupported_type")
            #expect(result.movedTo == nil)
            // Only 3000-byte members ever reached the API: never one of the outside files.
            #expect(h.simulator.stats.uploadedBytes % 3000 == 0)
            #expect(h.simulator.stats.uploadedBytes <= 9000)
            #expect(FileIO.kind("\(h.inbox)/b") == .symlink)
            #expect(h.list(h.archive).isEmpty)
            #expect(h.list(h.failed).isEmpty)
            // The reuse table maps the members' bytes to assets of those bytes only.
            let queue = try h.openQueue()
            for (name, bytes) in members {
                if let known = try queue.asset(sha256: sha256Hex(bytes), notOlderThan: .distantPast) {
                    #expect(known.sizeBytes == 3000, "\(name)")
                }
            }
            try h.drop("later.png", try #require(members["one.png"]))
            let later = try #require(try await h.waitForResults(["later.png"])["later.png"])
            #expect(later.status == "succeeded")
            #expect(later.assets.first?["sha256"]?.string == sha256Hex(members["one.png"]!))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a file edited in place during its upload, mtime set back: the result, archive and reuse table agree on the bytes",
          .timeLimit(.minutes(3)))
    func editedInPlaceDuringUpload() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 1500
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            let original = SampleMedia.bytes(.png, size: 300_000, seed: 8)
            try h.drop("e.png", original)
            try await h.wait(for: "the upload") { h.assetPosts >= 1 }
            try editKeepingMtime("\(h.inbox)/e.png", at: 150_000, byte: 0x55, count: 1000)
            var edited = original
            edited.replaceSubrange(150_000..<151_000, with: Data(repeating: 0x55, count: 1000))
            let result = try #require(try await h.waitForResults(["e.png"])["e.png"])
            #expect(result.status == "succeeded")
            let archived = try Data(contentsOf: URL(fileURLWithPath: "\(h.archive)/e.png"))
            #expect(archived == edited)
            #expect(result.assets.first?["sha256"]?.string == sha256Hex(edited))
            // The edited bytes were uploaded (again), under a key of their own.
            #expect(h.simulator.stats.uploads == 2)
            let queue = try h.openQueue()
            let known = try #require(try queue.asset(sha256: sha256Hex(edited), notOlderThan: .distantPast))
            #expect(known.assetID == result.assets.first?["asset_id"]?.string)
            #expect(try await daemon.stop() == 0)
        }
    }
}
