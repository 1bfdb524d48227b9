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
#if canImport(Glibc)
import Glibc
#endif

/// Bundles too big to take, big bundles that are fine, and names that are not UTF-8, with the real daemon.
@Suite("Inbox limits end to end", .serialized)
struct InboxLimitsEndToEndTests {
    /// Makes a bundle of `count` small PNGs outside the inbox, then moves it in.
    private func dropBundle(_ h: DaemonHarness, _ name: String, count: Int, seed: Int) throws {
        let staging = try h.root.subdirectory("staging-\(name)")
        for index in 0..<count {
            let data = SampleMedia.bytes(.png, size: 200, seed: seed + index)
            try data.write(to: URL(fileURLWithPath: "\(staging)/p\(index).png"))
        }
        guard rename(staging, "\(h.inbox)/\(name)") == 0 else { throw HarnessError("cannot move \(name) in") }
    }

    @Test("a bundle over max_bundle_files fails as rejected with the count, before any upload",
          .timeLimit(.minutes(2)))
    func bundleOverCap() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_MAX_BUNDLE_FILES"] = "5"
            let daemon = try await h.startDaemon()
            try dropBundle(h, "big", count: 6, seed: 300)
            try dropBundle(h, "small", count: 5, seed: 400)
            let results = try await h.waitForResults(["big", "small"])
            let big = try #require(results["big"])
            #expect(big.status == "failed")
            #expect(big.errorCode == "rejected")
            let message = big.json["error"]?["message"]?.string ?? ""
            #expect(message.contains("6 files") && message.contains("5"), "\(message)")
            #expect(big.assets.isEmpty)
            #expect(h.list(h.failed) == ["big"])
            #expect(results["small"]?.status == "succeeded")
            #expect(h.simulator.stats.uploads == 5, "only the small bundle's files are uploaded")
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a bundle of a few hundred files succeeds, each uploaded once", .timeLimit(.minutes(4)))
    func bundleOfHundreds() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            try dropBundle(h, "many", count: 300, seed: 1000)
            let results = try await h.waitForResults(["many"], timeout: .seconds(180))
            let many = try #require(results["many"])
            #expect(many.status == "succeeded")
            #expect(many.assets.count == 300)
            #expect(h.simulator.stats.uploads == 300)
            #expect(h.simulator.stats.uploadsByIdempotencyKey.values.allSatisfy { $0 == 1 })
            #expect(h.list(h.archive) == ["many"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a name that is not UTF-8 fails as rejected, readable, and moves to failed/", .timeLimit(.minutes(2)))
    func nonUTF8Name() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            let raw: [UInt8] = Array("bad".utf8) + [0xFF, 0xFE] + Array("name.png".utf8)
            let rendering = "bad\\xFF\\xFEname.png"
            let path = (Array(h.inbox.utf8) + [UInt8(ascii: "/")] + raw + [0]).map { CChar(bitPattern: $0) }
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            try #require(fd >= 0)
            let data = SampleMedia.bytes(.png, seed: 9)
            _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            try h.drop("fine.png", SampleMedia.bytes(.png, seed: 10))

            let results = try await h.waitForResults([rendering, "fine.png"])
            let bad = try #require(results[rendering])
            #expect(bad.status == "failed")
            #expect(bad.errorCode == "rejected")
            let message = bad.json["error"]?["message"]?.string ?? ""
            #expect(message.contains(rendering), "\(message)")
            #expect(bad.json["source"]?["name"]?.string == rendering)
            #expect(bad.movedTo == "\(h.failed)/\(rendering)")
            #expect(results["fine.png"]?.status == "succeeded")
            // The entry left the inbox by its raw bytes and sits in failed/ under its readable rendering.
            #expect(rawEntries(h.inbox).isEmpty)
            #expect(rawEntries(h.failed) == [Array(rendering.utf8)])
            #expect(h.simulator.stats.uploads == 1)
            #expect(try await daemon.stop() == 0)
        }
    }

    /// The raw names in a folder (FileManager cannot list names that are not UTF-8).
    private func rawEntries(_ folder: String) -> [[UInt8]] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                Array(bytes.prefix(while: { $0 != 0 }))
            }
            if name != [UInt8(ascii: ".")] && name != [UInt8(ascii: "."), UInt8(ascii: ".")] { names.append(name) }
        }
        return names
    }
}
