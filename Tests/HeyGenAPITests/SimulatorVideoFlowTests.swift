import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import NIOCore
import Testing

@Suite("Simulator video agent flow", .timeLimit(.minutes(5)))
struct SimulatorVideoFlowTests {
    @Test("a session thinks, gets a video, and the video goes pending, processing, completed")
    func fullFlow() async throws {
        try await withSimulator(faults: SimulatorFaults(pollsUntilVideoID: 2, pollsUntilCompleted: 3)) { sim in
            let assetID = try await sim.uploadAssetID()
            let created = try await sim.createAgent(prompt: "Explain the report", assetIDs: [assetID])
            #expect(created.status == 200)
            #expect(created.data("status") == .string("thinking"))
            #expect(created.data("video_id") == .null)
            #expect(created.data("created_at") != nil)
            let sessionID = try #require(created.data("session_id")?.stringValue)

            let poll1 = try await sim.send(.GET, "/v3/video-agents/\(sessionID)")
            #expect(poll1.data("status") == .string("thinking"))
            #expect(poll1.data("video_id") == .null)
            let poll2 = try await sim.send(.GET, "/v3/video-agents/\(sessionID)")
            #expect(poll2.data("status") == .string("generating"))
            let videoID = try #require(poll2.data("video_id")?.stringValue)

            var states: [String] = []
            var last: SimulatorHarness.Reply?
            for _ in 0..<3 {
                let reply = try await sim.send(.GET, "/v3/videos/\(videoID)")
                #expect(reply.status == 200)
                states.append(reply.data("status")?.stringValue ?? "?")
                last = reply
            }
            #expect(states == ["pending", "processing", "completed"])
            let done = try #require(last)
            #expect(done.data("video_url")?.stringValue?.hasPrefix("\(sim.baseURL)/files/") == true)
            #expect(done.data("thumbnail_url")?.stringValue?.hasPrefix("\(sim.baseURL)/files/") == true)
            guard case .number(let duration)? = done.data("duration") else {
                Issue.record("no duration in \(done.text)")
                return
            }
            #expect(duration > 0)
            #expect(done.data("failure_code") == .null)

            let finalSession = try await sim.send(.GET, "/v3/video-agents/\(sessionID)")
            #expect(finalSession.data("status") == .string("completed"))
            #expect(finalSession.data("video_id") == .string(videoID))
            #expect(sim.simulator.stats.videosCompleted == 1)
            #expect(sim.simulator.stats.agentsCreated == 1)
        }
    }

    @Test("extra fields reach the API unchanged")
    func rawRequestKept() async throws {
        try await withSimulator { sim in
            let assetID = try await sim.uploadAssetID()
            let extra: [String: JSONValue] = [
                "avatar_id": .string("av_1"), "orientation": .string("portrait"),
                "callback_url": .string("https://example.com/hook"), "mode": .string("fast"),
                "custom": .object(["nested": .array([.number(1), .bool(true), .null])]),
            ]
            let reply = try await sim.createAgent(prompt: "Hi", assetIDs: [assetID], extra: extra)
            #expect(reply.status == 200)
            var expected = extra
            expected["prompt"] = .string("Hi")
            expected["files"] = .array([.object(["type": .string("asset_id"), "asset_id": .string(assetID)])])
            #expect(sim.simulator.stats.lastAgentRequestBody == .object(expected))
        }
    }

    @Test("pollsUntilVideoID 0 gives the video id in the create answer")
    func immediateVideoID() async throws {
        try await withSimulator(faults: SimulatorFaults(pollsUntilVideoID: 0)) { sim in
            let reply = try await sim.createAgent()
            #expect(reply.data("video_id")?.stringValue?.hasPrefix("vid_") == true)
            #expect(reply.data("status") == .string("generating"))
        }
    }

    @Test("the request is validated")
    func validation() async throws {
        try await withSimulator { sim in
            let empty = try await sim.createAgent(prompt: "")
            #expect(empty.status == 400)
            #expect(empty.error("param") == .string("prompt"))
            let tooLong = try await sim.createAgent(prompt: String(repeating: "x", count: 10_001))
            #expect(tooLong.status == 400)
            let longest = try await sim.createAgent(prompt: String(repeating: "x", count: 10_000))
            #expect(longest.status == 200)

            let assetID = try await sim.uploadAssetID()
            let tooMany = try await sim.createAgent(assetIDs: Array(repeating: assetID, count: 21))
            #expect(tooMany.status == 400)
            #expect(tooMany.error("param") == .string("files"))
            let twenty = try await sim.createAgent(assetIDs: Array(repeating: assetID, count: 20))
            #expect(twenty.status == 200)

            let unknown = try await sim.createAgent(assetIDs: [assetID, "asset_nope"])
            #expect(unknown.status == 400)
            #expect(unknown.error("param") == .string("files[1].asset_id"))

            let badOrientation = try await sim.createAgent(extra: ["orientation": .string("square")])
            #expect(badOrientation.status == 400)

            let noPrompt = try await sim.sendJSON(.POST, "/v3/video-agents", .object(["files": .array([])]))
            #expect(noPrompt.status == 400)
            let notJSON = try await sim.send(.POST, "/v3/video-agents", body: .bytes(ByteBuffer(string: "prompt=hi")))
            #expect(notJSON.status == 400)
            #expect(notJSON.error("code") == .string("invalid_json"))
            #expect(sim.simulator.stats.agentsCreated == 2)
        }
    }

    @Test("more videos in progress than allowed answers 429 until one finishes")
    func concurrencyLimit() async throws {
        try await withSimulator(faults: SimulatorFaults(retryAfterSeconds: 3, pollsUntilVideoID: 0, pollsUntilCompleted: 1, maxConcurrentVideos: 2)) { sim in
            let first = try await sim.createAgent()
            #expect(sim.simulator.stats.peakVideosInProgress == 1)
            _ = try await sim.createAgent()
            let third = try await sim.createAgent()
            #expect(third.status == 429)
            #expect(sim.simulator.stats.peakVideosInProgress == 2)
            #expect(third.header("Retry-After") == "3")
            let videoID = try #require(first.data("video_id")?.stringValue)
            let done = try await sim.send(.GET, "/v3/videos/\(videoID)")
            #expect(done.data("status") == .string("completed"))
            let fourth = try await sim.createAgent()
            #expect(fourth.status == 200)
            #expect(sim.simulator.stats.faultsInjected["concurrency_limit"] == 1)
            // One finished, one more begun: never more than two at once.
            #expect(sim.simulator.stats.peakVideosInProgress == 2)
        }
    }

    @Test("keys listed as out of credit cannot create videos")
    func insufficientCredit() async throws {
        try await withSimulator(faults: SimulatorFaults(insufficientCreditKeys: ["poor-key"])) { sim in
            let reply = try await sim.sendJSON(.POST, "/v3/video-agents", .object(["prompt": .string("x")]), apiKey: "poor-key")
            #expect(reply.status == 402)
            #expect(reply.error("code") == .string("insufficient_credit"))
        }
    }

    @Test("unknown sessions and videos are 404 in the API's error shape")
    func unknownIDs() async throws {
        try await withSimulator { sim in
            let session = try await sim.send(.GET, "/v3/video-agents/sess_missing")
            #expect(session.status == 404)
            #expect(session.error("code") == .string("session_not_found"))
            let video = try await sim.send(.GET, "/v3/videos/vid_missing")
            #expect(video.status == 404)
            #expect(video.error("code") == .string("video_not_found"))
            let route = try await sim.send(.GET, "/v3/nothing-here")
            #expect(route.status == 404)
            #expect(route.error("code") == .string("not_found"))
            #expect(route.header("X-Request-Id")?.isEmpty == false)
        }
    }
}
