import AsyncHTTPClient
import Foundation
import HeyGenAPI
@testable import HeyGenSimulator
import NIOCore
import TestSupport
import Testing

@Suite("Simulator idempotency keys", .timeLimit(.minutes(5)))
struct SimulatorIdempotencyTests {
    @Test("a retry with the same key replays the first answer")
    func replay() async throws {
        try await withSimulator { sim in
            let content = Array(SampleMedia.bytes(.pdf, size: 512))
            let first = try await sim.upload(content, idempotencyKey: "job-17:upload.1")
            let second = try await sim.upload(content, idempotencyKey: "job-17:upload.1")
            #expect(first.status == 200)
            #expect(second.status == 200)
            #expect(second.body == first.body)
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(first.header("Idempotent-Replayed") == nil)
            #expect(second.header("X-Request-Id") != nil)

            let other = try await sim.upload(content, idempotencyKey: "job-18")
            #expect(other.data("asset_id") != first.data("asset_id"))

            let stats = sim.simulator.stats
            #expect(stats.uploads == 2)
            #expect(stats.idempotentReplays == 1)
            #expect(stats.uploadsByIdempotencyKey == ["job-17:upload.1": 2, "job-18": 1])
            // The replay made no asset; the upload under another key made a second one of the same bytes.
            #expect(sim.simulator.storedAssetsByChecksum == [sha256Hex(content): 2])
        }
    }

    @Test("keys must be 1-255 characters of [A-Za-z0-9_:.-]", arguments: ["has space", "slash/no", String(repeating: "k", count: 256), "", "ünï"])
    func invalidKey(_ key: String) async throws {
        try await withSimulator { sim in
            let reply = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), idempotencyKey: key)
            #expect(reply.status == 400)
            #expect(reply.error("code") == .string("invalid_idempotency_key"))
            #expect(sim.simulator.stats.uploads == 0)
        }
    }

    @Test("the longest valid key is accepted")
    func longestKey() async throws {
        try await withSimulator { sim in
            let key = String(repeating: "a", count: 250) + "_:.-9"
            let reply = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), idempotencyKey: key)
            #expect(reply.status == 200)
        }
    }

    @Test("a retry while the first request runs gets 409 request_in_progress")
    func inProgress() async throws {
        try await withSimulator { sim in
            let form = SimMultipartForm(fileName: "slow.png", content: Array(SampleMedia.bytes(.png, size: 4096)))
            let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
            let head = Array(form.body.prefix(1000))
            let rest = Array(form.body.dropFirst(1000))
            continuation.yield(ByteBuffer(bytes: head))

            async let first = sim.send(
                .POST, "/v3/assets",
                headers: [("Content-Type", form.contentType), ("Idempotency-Key", "slow-1")],
                body: .stream(stream, length: .known(Int64(form.body.count))))
            _ = try await eventually("the first upload is in progress", timeout: .seconds(10)) { () -> Bool? in
                let inProgress = sim.simulator.state.withLock { state -> Bool in
                    if case .inProgress? = state.idempotency["slow-1"] { true } else { false }
                }
                return inProgress ? true : nil
            }
            let second = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), idempotencyKey: "slow-1")
            #expect(second.status == 409)
            #expect(second.error("code") == .string("request_in_progress"))

            continuation.yield(ByteBuffer(bytes: rest))
            continuation.finish()
            let firstReply = try await first
            #expect(firstReply.status == 200)
            #expect(firstReply.data("size_bytes") == .number(4096))

            let third = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), idempotencyKey: "slow-1")
            #expect(third.body == firstReply.body)
            #expect(sim.simulator.stats.uploadsByIdempotencyKey["slow-1"] == 3)
        }
    }

    @Test("a refused upload is not remembered: its retry is processed again")
    func failureNotRemembered() async throws {
        try await withSimulator { sim in
            let refused = try await sim.upload([], idempotencyKey: "retry-me")
            #expect(refused.status == 400)
            let retried = try await sim.upload(Array(SampleMedia.bytes(.webm, size: 512)), idempotencyKey: "retry-me")
            #expect(retried.status == 200)
            #expect(retried.data("mime_type") == .string("video/webm"))
            #expect(retried.header("Idempotent-Replayed") == nil)
        }
    }

    @Test("a faulted attempt is not remembered either, and counts toward the key")
    func faultedAttempt() async throws {
        try await withSimulator(faults: SimulatorFaults(errorRate: 1)) { sim in
            let failed = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), idempotencyKey: "k1")
            #expect(failed.status == 500)
            sim.simulator.updateFaults { $0.errorRate = 0 }
            let ok = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), idempotencyKey: "k1")
            #expect(ok.status == 200)
            #expect(sim.simulator.stats.uploadsByIdempotencyKey["k1"] == 2)
            #expect(sim.simulator.stats.uploads == 1)
        }
    }
}
