import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Synchronization
import Testing
import TestSupport

/// The real client against the simulator over loopback HTTP.
@Suite(.timeLimit(.minutes(5))) struct ClientSimulatorTests {
    let fastRetries = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))

    @Test func uploadsEachSupportedType() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let client = sim.client()
                for type in MediaType.allCases {
                    let path = directory.file("sample.\(type.rawValue)")
                    try writeFile(path, SampleMedia.bytes(type, size: 300))
                    let asset = try await client.uploadAsset(path: path, fileName: "sample.\(type.rawValue)", idempotencyKey: "upload-\(type.rawValue)")
                    #expect(!asset.assetID.isEmpty)
                    #expect(asset.mimeType == type.mimeType)
                    #expect(asset.sizeBytes == 300)
                    #expect(!asset.url.isEmpty)
                }
                #expect(sim.simulator.stats.uploads == MediaType.allCases.count)
                #expect(sim.simulator.stats.uploadedBytes == Int64(300 * MediaType.allCases.count))
            }
        }
    }

    @Test func uploadsFilesWithAwkwardNames() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let path = directory.file("sample.png")
                try writeFile(path, SampleMedia.signature(.png))
                for (index, name) in [#"say "hi".png"#, "résumé 日本.png", "back\\slash;semi=colon.png"].enumerated() {
                    let asset = try await sim.client().uploadAsset(path: path, fileName: name, idempotencyKey: "name-\(index)")
                    #expect(asset.mimeType == "image/png")
                }
                #expect(sim.simulator.stats.uploads == 3)
            }
        }
    }

    @Test func retriesThroughServerErrorsGatewayPagesAndRateLimitsWithTheSameKey() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let path = directory.file("report.pdf")
                try writeFile(path, SampleMedia.pdf(text: "sample"))
                let client = sim.client()
                let key = "upload:retry-test.1"
                // Each attempt meets the next fault: 500, then an HTML 502, then 429 with Retry-After 1, then none.
                let plan: [SimulatorFaults] = [
                    SimulatorFaults(errorRate: 1),
                    SimulatorFaults(badGatewayRate: 1),
                    SimulatorFaults(rateLimitRate: 1, retryAfterSeconds: 1),
                    SimulatorFaults(),
                ]
                let attemptTimes = Mutex<[ContinuousClock.Instant]>([])
                let seen = Mutex<[HeyGenError]>([])
                let asset = try await withRetries(fastRetries, logger: SimulatorHarness.quietLogger, onAttempt: {
                    let index = attemptTimes.withLock { times in
                        times.append(.now)
                        return times.count - 1
                    }
                    sim.simulator.setFaults(plan[min(index, plan.count - 1)])
                }) { () async throws(HeyGenError) -> UploadedAsset in
                    do throws(HeyGenError) {
                        return try await client.uploadAsset(path: path, fileName: "report.pdf", idempotencyKey: key)
                    } catch {
                        seen.withLock { $0.append(error) }
                        throw error
                    }
                }
                #expect(asset.mimeType == "application/pdf")
                let errors = seen.withLock { $0 }
                #expect(errors.map(\.httpStatus) == [500, 502, 429])
                #expect(errors.map(\.category) == [.serverError, .serverError, .rateLimited])
                #expect(errors.allSatisfy { $0.isRetryable && $0.requestID != nil })
                #expect(errors.last?.retryAfter == .seconds(1))
                let times = attemptTimes.withLock { $0 }
                try #require(times.count == 4)
                #expect(times[3] - times[2] >= .seconds(1), "Retry-After 1 must be waited out in full")
                let stats = sim.simulator.stats
                #expect(stats.uploadsByIdempotencyKey == [key: 4])
                #expect(stats.uploads == 1)
            }
        }
    }

    @Test func aRepeatedIdempotencyKeyReplaysTheFirstAnswer() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let path = directory.file("a.png")
                try writeFile(path, SampleMedia.signature(.png))
                let first = try await sim.client().uploadAsset(path: path, fileName: "a.png", idempotencyKey: "same-key")
                let second = try await sim.client().uploadAsset(path: path, fileName: "a.png", idempotencyKey: "same-key")
                #expect(first == second)
                #expect(sim.simulator.stats.uploads == 1)
                #expect(sim.simulator.stats.uploadsByIdempotencyKey["same-key"] == 2)
            }
        }
    }

    @Test func permanentErrorsAreNotRetried() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let pdf = directory.file("r.pdf")
                try writeFile(pdf, SampleMedia.pdf(text: "sample"))
                let elf = directory.file("program.png")
                try writeFile(elf, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00] + [UInt8](repeating: 0, count: 56))
                let badKey = "bad-key"

                let unauthorized = await uploadError(sim.client(apiKey: badKey), path: pdf, key: "k-401")
                #expect(unauthorized?.category == .unauthorized)
                #expect(unauthorized?.httpStatus == 401)
                #expect(unauthorized.map { !$0.description.contains(badKey) } == true)

                let unsupported = await uploadError(sim.client(), path: elf, key: "k-415")
                #expect(unsupported?.category == .rejected)
                #expect(unsupported?.httpStatus == 415)
                #expect(unsupported?.apiCode == "unsupported_media_type")

                #expect(sim.requests("POST /v3/assets") == 2)
                #expect(sim.simulator.stats.uploadsByIdempotencyKey == ["k-401": 1, "k-415": 1])

                let missing = await videoError(sim.client(), id: "vid_missing")
                #expect(missing?.category == .notFound)
                #expect(missing?.isRetryable == false)
                #expect(sim.requests("GET /v3/videos/") == 1)
            }
        }
    }

    @Test func aFileOverTheLimitIsRejected() async throws {
        // A small limit: what is tested is how the client takes a 413, not the 32 MiB itself.
        let limits = SimulatorLimits(maxUploadBytes: 512 * 1024)
        try await withTemporaryDirectory { directory in
            try await withSimulator(limits: limits) { sim in
                let path = directory.file("huge.pdf")
                try writeFile(path, SampleMedia.pdf(text: "sample"))
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.truncate(atOffset: UInt64(limits.maxUploadBytes + 1))
                try handle.close()
                let error = await uploadError(sim.client(), path: path, key: "too-large")
                #expect(error?.category == .rejected)
                #expect(error?.httpStatus == 413)
                #expect(error?.isRetryable == false)
                #expect(sim.simulator.stats.uploads == 0)
            }
        }
    }

    @Test func anUnknownFileOrADirectoryCostsNoRequest() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator { sim in
                let client = sim.client()
                await #expect(throws: HeyGenError.self) {
                    try await client.uploadAsset(path: directory.file("gone.pdf"), fileName: "gone.pdf", idempotencyKey: "k1")
                }
                let vanished = await uploadError(client, path: directory.file("gone.pdf"), key: "k1")
                #expect(vanished?.category == .vanished)
                let folder = try directory.subdirectory("folder")
                let unreadable = await uploadError(client, path: folder, key: "k2")
                #expect(unreadable?.category == .unreadable)
                let badKey = await uploadError(client, path: folder, key: "not a valid key")
                #expect(badKey?.category == .rejected)
                #expect(sim.requests("POST /v3/assets") == 0)
            }
        }
    }

    @Test func theKeyNeverAppearsInErrors() async throws {
        try await withSimulator(faults: SimulatorFaults(rejectedKeys: ["sk_secret_key_123"])) { sim in
            let key = "sk_secret_key_123"
            let errors = [
                await videoError(sim.client(apiKey: key), id: "v1"),
                await videoError(sim.unreachableClient(apiKey: key), id: "v1"),
            ]
            #expect(errors[0]?.category == .unauthorized)
            #expect(errors[1]?.category == .networkError)
            for error in errors {
                let text = try #require(error).description
                #expect(!text.contains(key), "\(text)")
                #expect(!String(reflecting: error).contains(key))
            }
        }
    }

    @Test func timeoutsAndConnectionFailuresAreRetryableNetworkErrors() async throws {
        try await withSimulator(faults: SimulatorFaults(latencyMs: 3_000)) { sim in
            let slow = await videoError(sim.client(requestTimeout: .milliseconds(200)), id: "v1")
            #expect(slow?.category == .networkError)
            #expect(slow?.isRetryable == true)
            let refused = await videoError(sim.unreachableClient(), id: "v1")
            #expect(refused?.category == .networkError)
            #expect(refused?.isRetryable == true)
        }
    }

    @Test func videoFlowToCompleted() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: SimulatorFaults(pollsUntilVideoID: 2, pollsUntilCompleted: 3)) { sim in
                let client = sim.client()
                let path = directory.file("deck.pdf")
                try writeFile(path, SampleMedia.pdf(text: "sample"))
                let asset = try await client.uploadAsset(path: path, fileName: "deck.pdf", idempotencyKey: "deck")
                let request = VideoAgentRequest(
                    prompt: "Summarise the deck",
                    assetIDs: [asset.assetID],
                    extraFields: ["orientation": .string("portrait"), "callback_id": .string("cb-1"), "custom": .object(["n": .number(2)])]
                )
                let created = try await client.createVideoAgent(request)
                #expect(created.sessionID.hasPrefix("sess_"))
                #expect(sim.simulator.stats.lastAgentRequestBody == request.jsonBody)

                let video = try await pollToEnd(client, sessionID: created.sessionID)
                #expect(video.status == "completed")
                #expect(video.videoURL != nil)
                #expect(video.thumbnailURL != nil)
                #expect(video.duration != nil)
                #expect(video.failureCode == nil)
            }
        }
    }

    @Test func videoFlowToFailed() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: SimulatorFaults(videoFailureRate: 1, pollsUntilVideoID: 1, pollsUntilCompleted: 2)) { sim in
                let client = sim.client()
                let path = directory.file("clip.mp4")
                try writeFile(path, SampleMedia.signature(.mp4))
                let asset = try await client.uploadAsset(path: path, fileName: "clip.mp4", idempotencyKey: "clip")
                let created = try await client.createVideoAgent(VideoAgentRequest(prompt: "Cut a trailer", assetIDs: [asset.assetID]))
                let video = try await pollToEnd(client, sessionID: created.sessionID)
                #expect(video.status == "failed")
                #expect(video.failureCode != nil)
                #expect(video.failureMessage != nil)
                #expect(video.videoURL == nil)
            }
        }
    }

    @Test func pollingErrorsAreClassified() async throws {
        try await withSimulator(faults: SimulatorFaults(pollsUntilVideoID: 0)) { sim in
            let client = sim.client()
            let created = try await client.createVideoAgent(VideoAgentRequest(prompt: "Hello", assetIDs: []))
            let videoID = try #require(created.videoID)
            sim.simulator.setFaults(SimulatorFaults(sessionNotFoundRate: 1, errorBodyRate: 1))
            let session = await sessionError(client, id: created.sessionID)
            #expect(session?.category == .notFound)
            let body = await videoError(client, id: videoID)
            #expect(body?.category == .serverError)
            #expect(body?.httpStatus == 200)
            #expect(body?.isRetryable == true)
            #expect(body?.apiCode != nil)
        }
    }

    @Test func anInvalidAgentRequestIsRejected() async throws {
        try await withSimulator { sim in
            do throws(HeyGenError) {
                _ = try await sim.client().createVideoAgent(VideoAgentRequest(prompt: "", assetIDs: ["asset_unknown"]))
                Issue.record("expected a rejection")
            } catch {
                #expect(error.category == .rejected)
                #expect(error.httpStatus == 400)
                #expect(error.apiCode != nil)
            }
        }
    }

    // MARK: - Helpers

    /// Polls the session until it has a video, then the video until it is completed or failed.
    func pollToEnd(_ client: HeyGenClient, sessionID: String) async throws -> VideoStatus {
        var videoID: String?
        for _ in 0..<20 where videoID == nil {
            videoID = try await client.videoAgentSession(id: sessionID).videoID
        }
        let id = try #require(videoID)
        for _ in 0..<20 {
            let video = try await client.video(id: id)
            if video.status == "completed" || video.status == "failed" { return video }
        }
        throw HarnessError(description: "video \(id) never finished")
    }

    func uploadError(_ client: HeyGenClient, path: String, key: String) async -> HeyGenError? {
        do {
            _ = try await client.uploadAsset(path: path, fileName: (path as NSString).lastPathComponent, idempotencyKey: key)
            return nil
        } catch {
            return error
        }
    }

    func videoError(_ client: HeyGenClient, id: String) async -> HeyGenError? {
        do {
            _ = try await client.video(id: id)
            return nil
        } catch {
            return error
        }
    }

    func sessionError(_ client: HeyGenClient, id: String) async -> HeyGenError? {
        do {
            _ = try await client.videoAgentSession(id: id)
            return nil
        } catch {
            return error
        }
    }
}
