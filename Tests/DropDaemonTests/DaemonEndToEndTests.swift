import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `heygen-dropd run` against the simulator on loopback, on temp folders.
@Suite("Daemon end to end", .serialized, .timeLimit(.minutes(10)))
struct DaemonEndToEndTests {
    @Test("a file written in place slowly is uploaded once, whole")
    func slowWriterInPlace() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let path = "\(h.inbox)/slow.pdf"
            // One open, slow writes with pauses longer than the settle window, one close.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(fd >= 0)
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
            let whole = SampleMedia.bytes(.pdf, size: 50_000, seed: 1)
            for start in stride(from: 0, to: whole.count, by: 10_000) {
                handle.write(whole[start..<min(start + 10_000, whole.count)])
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(h.resultNames().isEmpty)
            try handle.close()
            let results = try await h.waitForResults(["slow.pdf"])
            let result = try #require(results["slow.pdf"])
            #expect(result.status == "succeeded")
            #expect(result.assets.first?["size_bytes"]?.number == Double(whole.count))
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("rsync-style dot-temp then rename is one upload under the final name")
    func rsyncStyle() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let temporary = "\(h.inbox)/.clip.mp4.Xy12Ab"
            try SampleMedia.bytes(.mp4, size: 30_000).write(to: URL(fileURLWithPath: temporary))
            try await Task.sleep(for: .milliseconds(400))
            #expect(rename(temporary, "\(h.inbox)/clip.mp4") == 0)
            let results = try await h.waitForResults(["clip.mp4"])
            #expect(results["clip.mp4"]?.status == "succeeded")
            #expect(results["clip.mp4"]?.movedTo == "\(h.archive)/clip.mp4")
            #expect(h.resultNames() == ["clip.mp4.json"])
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("files already in the inbox at start are processed")
    func filesPresentAtStart() async throws {
        try await DaemonHarness.with { h in
            try h.drop("early.png", SampleMedia.bytes(.png, seed: 2))
            try h.drop("early.wav", SampleMedia.bytes(.wav, seed: 3))
            let daemon = try await h.startDaemon()
            let results = try await h.waitForResults(["early.png", "early.wav"])
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(h.list(h.inbox).isEmpty)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("300 files dropped at once give 300 results, each uploaded once")
    func threeHundredFiles() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let names = (0..<300).map { "burst-\($0).jpg" }
            for (index, name) in names.enumerated() {
                try h.drop(name, SampleMedia.bytes(.jpeg, size: 1500, seed: 1000 + index))
            }
            let results = try await h.waitForResults(names, timeout: .seconds(180))
            #expect(results.values.filter { $0.status == "succeeded" }.count == 300)
            #expect(h.simulator.stats.uploads == 300)
            #expect(h.simulator.stats.uploadsByIdempotencyKey.values.allSatisfy { $0 == 1 })
            #expect(h.list(h.archive).count == 300)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("every supported type is uploaded with its MIME type")
    func everySupportedType() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let files: [(String, MediaType)] = [
                ("a.png", .png), ("b.jpg", .jpeg), ("c.mp4", .mp4), ("d.webm", .webm), ("e.mp3", .mp3),
                ("f.wav", .wav), ("g.pdf", .pdf),
            ]
            for (index, (name, type)) in files.enumerated() {
                try h.drop(name, SampleMedia.bytes(type, seed: 50 + index))
            }
            let results = try await h.waitForResults(files.map(\.0))
            for (name, type) in files {
                let result = try #require(results[name])
                #expect(result.status == "succeeded", "\(name)")
                #expect(result.assets.first?["mime_type"]?.string == type.mimeType, "\(name)")
                #expect(result.assets.first?["asset_id"]?.string != nil)
                #expect(result.attempts == 1)
            }
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("the type comes from the bytes: an ELF named .png is refused, a PDF named .bin is accepted")
    func typeLies() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            var elf = Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00])
            elf.append(Data(repeating: 0, count: 500))
            try h.drop("photo.png", elf)
            try h.drop("scan.bin", SampleMedia.pdf(text: "hello"))
            let results = try await h.waitForResults(["photo.png", "scan.bin"])
            #expect(results["photo.png"]?.errorCode == "unsupported_type")
            #expect(results["photo.png"]?.attempts == 0)
            #expect(results["photo.png"]?.movedTo == "\(h.failed)/photo.png")
            #expect(results["scan.bin"]?.status == "succeeded")
            #expect(results["scan.bin"]?.assets.first?["mime_type"]?.string == "application/pdf")
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("too large, empty, fifo, symlink and awkward names")
    func awkwardInputs() async throws {
        // The simulator's own limit is set below 32 MiB: it refuses exact.mp4 by its declared length and reads it
        // unparsed, so the test checks the daemon's boundary (it sends a file of exactly the limit, and not one
        // byte more) without a debug build parsing 32 MiB. The simulator's boundary has tests of its own.
        try await DaemonHarness.with(limits: SimulatorLimits(maxUploadBytes: 1 << 20)) { h in
            let daemon = try await h.startDaemon()
            try h.drop("huge.mp4", SampleMedia.bytes(.mp4, size: 33 * 1024 * 1024))
            try h.drop("exact.mp4", SampleMedia.bytes(.mp4, size: Int(MediaType.maxUploadBytes)))
            try h.drop("empty.pdf", Data())
            #expect(mkfifo("\(h.inbox)/pipe.pdf", 0o644) == 0)
            try SampleMedia.bytes(.png).write(to: URL(fileURLWithPath: h.root.file("outside.png")))
            #expect(symlink(h.root.file("outside.png"), "\(h.inbox)/link.png") == 0)
            let awkward = ["with space.png", "quote's \"x\".png", "ünïcødé-日本.png", "-leading-dash.png", "--rm -rf.png"]
            for (index, name) in awkward.enumerated() {
                try h.drop(name, SampleMedia.bytes(.png, seed: 300 + index))
            }
            let results = try await h.waitForResults(["huge.mp4", "exact.mp4", "empty.pdf"] + awkward, timeout: .seconds(90))
            #expect(results["huge.mp4"]?.errorCode == "too_large")
            #expect(results["huge.mp4"]?.attempts == 0)
            // Sent whole (the simulator read every byte), then refused by the API: not the daemon's too_large.
            #expect(results["exact.mp4"]?.errorCode == "rejected")
            #expect(results["exact.mp4"]?.attempts == 1)
            #expect(h.simulator.stats.uploadBodyBytes > MediaType.maxUploadBytes)
            #expect(results["empty.pdf"]?.errorCode == "empty_file")
            for name in awkward {
                #expect(results[name]?.status == "succeeded", "\(name)")
                #expect(FileManager.default.fileExists(atPath: "\(h.archive)/\(name)"), "\(name)")
            }
            // Ignored things are left alone, with no result.
            try await Task.sleep(for: .milliseconds(500))
            #expect(h.list(h.inbox) == ["link.png", "pipe.pdf"])
            #expect(!h.resultNames().contains("pipe.pdf.json"))
            #expect(!h.resultNames().contains("link.png.json"))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a file deleted before its turn ends as vanished, with nothing moved")
    func deletedBeforeItsTurn() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 1500
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_WORKERS"] = "1"
            let daemon = try await h.startDaemon()
            try h.drop("first.png", SampleMedia.bytes(.png, seed: 7))
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("second.png", SampleMedia.bytes(.png, seed: 8))
            // Settle window passes, the job is queued, the only worker is still busy with the first upload.
            try await Task.sleep(for: .milliseconds(700))
            try FileManager.default.removeItem(atPath: "\(h.inbox)/second.png")
            let results = try await h.waitForResults(["first.png", "second.png"])
            #expect(results["first.png"]?.status == "succeeded")
            #expect(results["second.png"]?.errorCode == "vanished")
            #expect(results["second.png"]?.movedTo == nil)
            #expect(results["second.png"]?.attempts == 0)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("kill -9 in the middle of 120 files, then restart: each file has one result and sits in archive/")
    func killNineAndRestart() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 30
        try await DaemonHarness.with(faults: faults) { h in
            let names = (0..<120).map { "k\($0).pdf" }
            for (index, name) in names.enumerated() {
                try h.drop(name, SampleMedia.bytes(.pdf, size: 4000, seed: 5000 + index))
            }
            let first = try await h.startDaemon()
            let deadline = ContinuousClock.now + .seconds(60)
            while h.resultNames().count < 25, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            first.signal(SIGKILL)
            #expect(try await first.waitForExit() == 128 + SIGKILL)
            #expect(h.resultNames().count < 120)
            let second = try await h.startDaemon()
            let results = try await h.waitForResults(names, timeout: .seconds(120))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(h.list(h.inbox).isEmpty)
            #expect(h.list(h.archive).count == 120)
            #expect(h.list(h.failed).isEmpty)
            // An upload cut off by the kill was re-sent with the same key, so no file made two assets.
            #expect(h.simulator.stats.uploads == 120)
            #expect(try await second.stop() == 0)
        }
    }

    @Test("SIGTERM with uploads in flight exits 0; the rest is done after a restart")
    func sigtermDrains() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 1200
        try await DaemonHarness.with(faults: faults) { h in
            let names = (0..<10).map { "t\($0).webm" }
            for (index, name) in names.enumerated() {
                try h.drop(name, SampleMedia.bytes(.webm, seed: 900 + index))
            }
            let first = try await h.startDaemon()
            // Wait until uploads are in flight.
            let deadline = ContinuousClock.now + .seconds(30)
            while (h.simulator.stats.requests["POST /v3/assets"] ?? 0) < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await first.stop() == 0)
            let done = h.resultNames().count
            #expect(done >= 1 && done < 10)
            #expect(h.list(h.inbox).count == 10 - done)
            let second = try await h.startDaemon()
            let results = try await h.waitForResults(names, timeout: .seconds(60))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(h.simulator.stats.uploads == 10)
            #expect(try await second.stop() == 0)
        }
    }

    @Test("a file replaced while its upload is in flight is checked and uploaded again; the result describes the new bytes")
    func replacedDuringUpload() async throws {
        var faults = SimulatorFaults()
        faults.latencyMs = 1500
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try h.drop("swap.png", SampleMedia.bytes(.png, size: 3000, seed: 1))
            let deadline = ContinuousClock.now + .seconds(20)
            while (h.simulator.stats.requests["POST /v3/assets"] ?? 0) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let replacement = SampleMedia.bytes(.png, size: 5000, seed: 2)
            try h.drop("swap.png", replacement)
            let result = try #require(try await h.waitForResults(["swap.png"])["swap.png"])
            #expect(result.status == "succeeded")
            #expect(result.assets.first?["size_bytes"]?.number == 5000)
            let archived = try Data(contentsOf: URL(fileURLWithPath: "\(h.archive)/swap.png"))
            #expect(archived == replacement)
            #expect(h.simulator.stats.uploads == 2)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("the same bytes under a second name are not uploaded again")
    func sameBytesReused() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let bytes = SampleMedia.bytes(.mp3, size: 5000, seed: 77)
            try h.drop("one.mp3", bytes)
            let first = try await h.waitForResults(["one.mp3"])
            try h.drop("two.mp3", bytes)
            let second = try await h.waitForResults(["two.mp3"])
            #expect(first["one.mp3"]?.assets.first?["reused"] == .bool(false))
            #expect(second["two.mp3"]?.assets.first?["reused"] == .bool(true))
            #expect(second["two.mp3"]?.assets.first?["asset_id"] == first["one.mp3"]?.assets.first?["asset_id"])
            #expect(second["two.mp3"]?.attempts == 0)
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("with 25% 500s, 20% 429s and 10% HTML 502s every file still succeeds")
    func injectedFaults() async throws {
        var faults = SimulatorFaults()
        faults.errorRate = 0.25
        faults.rateLimitRate = 0.20
        faults.retryAfterSeconds = 1
        faults.badGatewayRate = 0.10
        try await DaemonHarness.with(faults: faults) { h in
            h.environment["HEYGEN_DROPD_MAX_ATTEMPTS"] = "40"
            let daemon = try await h.startDaemon()
            let names = (0..<24).map { "f\($0).png" }
            for (index, name) in names.enumerated() {
                try h.drop(name, SampleMedia.bytes(.png, seed: 700 + index))
            }
            let results = try await h.waitForResults(names, timeout: .seconds(120))
            #expect(results.values.allSatisfy { $0.status == "succeeded" })
            #expect(results.values.contains { $0.attempts > 1 })
            #expect(h.simulator.stats.uploads == 24)
            let faultsSeen = h.simulator.stats.faultsInjected
            #expect((faultsSeen["error"] ?? 0) > 0 && (faultsSeen["rate_limit"] ?? 0) > 0)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a wrong key gives unauthorized results, not retried, and the key appears nowhere")
    func wrongKey() async throws {
        try await DaemonHarness.with { h in
            h.apiKey = "bad-key"
            let daemon = try await h.startDaemon()
            try h.drop("secret.pdf", SampleMedia.pdf(text: "x"))
            let results = try await h.waitForResults(["secret.pdf"])
            let result = try #require(results["secret.pdf"])
            #expect(result.errorCode == "unauthorized")
            #expect(result.json["error"]?["http_status"]?.number == 401)
            #expect(result.attempts == 1)
            #expect(result.movedTo == "\(h.failed)/secret.pdf")
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("the API key never reaches a log line, a result or the database")
    func keyNeverLeaks() async throws {
        try await DaemonHarness.with { h in
            h.apiKey = "sk-leak-canary-4242"
            h.environment["HEYGEN_DROPD_LOG_LEVEL"] = "trace"
            let daemon = try await h.startDaemon()
            try h.drop("a.png", SampleMedia.bytes(.png, seed: 1))
            try h.drop("b.txt", Data("not media".utf8))
            _ = try await h.waitForResults(["a.png", "b.txt"])
            #expect(try await daemon.stop() == 0)
            let canary = Data("sk-leak-canary-4242".utf8)
            #expect(Data(daemon.logText.utf8).range(of: canary) == nil)
            for file in h.list(h.outbox) {
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(h.outbox)/\(file)"))
                #expect(data.range(of: canary) == nil)
            }
            for file in h.list(h.state) {
                let data = (try? Data(contentsOf: URL(fileURLWithPath: "\(h.state)/\(file)"))) ?? Data()
                #expect(data.range(of: canary) == nil, "\(file)")
            }
        }
    }
}
