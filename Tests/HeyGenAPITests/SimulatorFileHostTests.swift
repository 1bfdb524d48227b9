import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// The simulator's file host seen with plain HTTP: signed, expiring URLs, ranges, sizes, fresh links per GET.
@Suite("Simulator file host", .timeLimit(.minutes(5)))
struct SimulatorFileHostTests {
    static let faults = SimulatorFaults(pollsUntilVideoID: 0, pollsUntilCompleted: 1, output: SimulatorOutputFaults(videoSizeBytes: 100_000))

    @Test("ranges: N-, N-M and -S answer 206 with Content-Range and the same bytes as the whole file; past the end 416")
    func ranges() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try await sim.fileURL("video_url", ofVideo: videoID)
                let whole = try await sim.rawGet(url, headers: [])
                #expect(whole.status == 200)
                #expect(whole.body.count == 100_000)
                #expect(whole.headers.first(name: "Accept-Ranges") == "bytes")
                #expect(Array(whole.body[4..<8]) == Array("ftyp".utf8))
                #expect(Array(whole.body[28..<32]) == Array("mdat".utf8))

                let tail = try await sim.rawGet(url, headers: [("Range", "bytes=99000-")])
                #expect(tail.status == 206)
                #expect(tail.headers.first(name: "Content-Range") == "bytes 99000-99999/100000")
                #expect(tail.body == Array(whole.body[99_000...]))
                let middle = try await sim.rawGet(url, headers: [("Range", "bytes=10-19")])
                #expect(middle.body == Array(whole.body[10..<20]))
                let suffix = try await sim.rawGet(url, headers: [("Range", "bytes=-5")])
                #expect(suffix.body == Array(whole.body[99_995...]))
                let past = try await sim.rawGet(url, headers: [("Range", "bytes=100000-")])
                #expect(past.status == 416)
                #expect(past.headers.first(name: "Content-Range") == "bytes */100000")
                #expect(sim.simulator.stats.rangesServed == 3)
            }
        }
    }

    @Test("the same video gives the same bytes under fresh links; another video gives other bytes")
    func deterministicContent() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults) { sim in
                let first = try await sim.completedVideoID(in: directory, key: "a")
                let second = try await sim.completedVideoID(in: directory, key: "b")
                let url1 = try await sim.fileURL("video_url", ofVideo: first)
                try await Task.sleep(for: .milliseconds(1100))
                let url1Again = try await sim.fileURL("video_url", ofVideo: first)
                #expect(url1 != url1Again)
                let bytes1 = try await sim.rawGet(url1).body
                #expect(try await sim.rawGet(url1Again).body == bytes1)
                let bytes2 = try await sim.rawGet(try await sim.fileURL("video_url", ofVideo: second)).body
                #expect(bytes2.count == bytes1.count)
                #expect(bytes2 != bytes1)
            }
        }
    }

    @Test("a tampered signature or expiry is refused with 403; an expired link too")
    func signatures() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try await sim.fileURL("subtitle_url", ofVideo: videoID)
                #expect(try await sim.rawGet(url).status == 200)
                let components = try #require(URLComponents(string: url))
                let expires = try #require(components.queryItems?.first { $0.name == "expires" }?.value)
                let later = url.replacingOccurrences(of: "expires=\(expires)", with: "expires=\(Int64(expires)! + 1000)")
                #expect(try await sim.rawGet(later).status == 403)
                let other = url.replacingOccurrences(of: "subtitles.srt", with: "thumbnail.jpg")
                #expect(try await sim.rawGet(other).status == 403)

                sim.simulator.updateFaults { $0.output.fileURLLifetimeSeconds = 0 }
                let expired = try await sim.fileURL("subtitle_url", ofVideo: videoID)
                #expect(try await sim.rawGet(expired).status == 403)
                #expect(sim.simulator.stats.faultsInjected["link_expired"] == 1)
            }
        }
    }

    @Test("a video of 5 GiB is served by ranges without being made whole: a 64-bit mdat box, the right length")
    func hugeVideo() async throws {
        try await withTemporaryDirectory { directory in
            var faults = Self.faults
            faults.output.videoSizeBytes = 5 << 30
            try await withSimulator(faults: faults) { sim in
                let videoID = try await sim.completedVideoID(in: directory)
                let url = try await sim.fileURL("video_url", ofVideo: videoID)
                let head = try await sim.rawGet(url, headers: [("Range", "bytes=0-39")])
                #expect(head.status == 206)
                #expect(head.headers.first(name: "Content-Range") == "bytes 0-39/\(Int64(5) << 30)")
                #expect(Array(head.body[4..<8]) == Array("ftyp".utf8))
                #expect(Array(head.body[24..<32]) == [0, 0, 0, 1] + Array("mdat".utf8))
                let last = try await sim.rawGet(url, headers: [("Range", "bytes=-10")])
                #expect(last.body.count == 10)
                #expect(last.headers.first(name: "Content-Range") == "bytes \((Int64(5) << 30) - 10)-\((Int64(5) << 30) - 1)/\(Int64(5) << 30)")
            }
        }
    }

    @Test("the output faults can be set through the admin route, flat among the others")
    func adminFaults() async throws {
        try await withSimulator { sim in
            let reply = try await sim.sendJSON(
                .PUT, "/_admin/faults", .object(["videoSizeBytes": .number(1_073_741_824), "failingTranslationLanguages": .array([.string("German")])]),
                apiKey: nil)
            #expect(reply.status == 200)
            #expect(sim.simulator.faults.output.videoSizeBytes == 1_073_741_824)
            #expect(sim.simulator.faults.output.failingTranslationLanguages == ["German"])
            #expect(reply.json?.objectValue?["videoSizeBytes"] == .number(1_073_741_824))
            #expect(reply.json?.objectValue?["errorRate"] == .number(0))
        }
    }
}
