import Foundation
@testable import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// Session progress is an integer percentage; video details keep every URL and time the API sends.
@Suite struct ClientDetailDecodingTests {
    @Test func sessionProgressIsAnIntegerPercentage() async throws {
        let cases: [(String, Int?)] = [
            ("42", 42), ("0", 0), ("100", 100), ("42.0", 42), ("41.6", 42), ("\"73\"", 73), ("150", 100), ("-3", 0),
            ("null", nil), ("\"soon\"", nil), ("true", nil),
        ]
        for (raw, expected) in cases {
            let json = #"{"session_id":"s","status":"generating","progress":\#(raw)}"#
            let members = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)).objectValue)
            let session = try #require(VideoAgentSession(json: members, fallbackID: nil))
            #expect(session.progress == expected, "progress \(raw)")
        }
    }

    @Test(.timeLimit(.minutes(2))) func theSimulatorSendsIntegerProgressAndFullVideoDetails() async throws {
        try await withTemporaryDirectory { directory in
          try await withSimulator(faults: SimulatorFaults(pollsUntilVideoID: 0, pollsUntilCompleted: 1)) { sim in
            let client = sim.client()
            let path = directory.file("pixel.png")
            try writeFile(path, SampleMedia.signature(.png))
            let asset = try await client.uploadAsset(path: path, fileName: "pixel.png", idempotencyKey: "png-1")
            let created = try await client.createVideoAgent(VideoAgentRequest(prompt: "Hello", assetIDs: [asset.assetID]))
            let videoID = try #require(created.videoID)
            let before = try await client.videoAgentSession(id: created.sessionID)
            #expect(before.progress == 50)
            let video = try await client.video(id: videoID)
            #expect(video.status == "completed")
            #expect(video.captionedVideoURL.flatMap { URL(string: $0)?.path }?.hasSuffix("captioned.mp4") == true)
            #expect(video.subtitleURL.flatMap { URL(string: $0)?.path }?.hasSuffix("srt") == true)
            #expect(video.gifURL?.hasSuffix(".gif") == true)
            #expect(video.videoPageURL != nil)
            let completedAt = try #require(video.completedAt)
            #expect(completedAt.timeIntervalSince1970 > 1_700_000_000)
            let after = try await client.videoAgentSession(id: created.sessionID)
            #expect(after.status == "completed")
            #expect(after.progress == 100)
          }
        }
    }
}
