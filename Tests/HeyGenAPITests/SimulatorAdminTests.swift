import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import NIOCore
import Testing

@Suite("Simulator admin endpoints", .timeLimit(.minutes(5)))
struct SimulatorAdminTests {
    @Test("GET /_admin/faults shows the faults; PUT changes only the fields given")
    func faultsEndpoint() async throws {
        try await withSimulator(faults: SimulatorFaults(latencyMs: 5)) { sim in
            let initial = try await sim.send(.GET, "/_admin/faults", apiKey: nil)
            #expect(initial.status == 200)
            let decoded = try JSONDecoder().decode(SimulatorFaults.self, from: Data(initial.body))
            #expect(decoded == sim.simulator.faults)
            #expect(decoded.latencyMs == 5)

            let put = try await sim.sendJSON(.PUT, "/_admin/faults", .object(["errorRate": .number(1), "retryAfterSeconds": .number(9)]), apiKey: nil)
            #expect(put.status == 200)
            let faults = sim.simulator.faults
            #expect(faults.errorRate == 1)
            #expect(faults.retryAfterSeconds == 9)
            #expect(faults.latencyMs == 5)
            #expect(try JSONDecoder().decode(SimulatorFaults.self, from: Data(put.body)) == faults)

            let faulted = try await sim.send(.GET, "/v3/videos/x")
            #expect(faulted.status == 500)

            let unknownField = try await sim.sendJSON(.PUT, "/_admin/faults", .object(["errorRatio": .number(1)]), apiKey: nil)
            #expect(unknownField.status == 400)
            let wrongType = try await sim.sendJSON(.PUT, "/_admin/faults", .object(["errorRate": .string("high")]), apiKey: nil)
            #expect(wrongType.status == 400)
            #expect(sim.simulator.faults == faults)
        }
    }

    @Test("GET /_admin/stats counts requests per route, uploads and agents")
    func statsEndpoint() async throws {
        try await withSimulator { sim in
            let assetID = try await sim.uploadAssetID()
            _ = try await sim.upload(Array(SampleMedia.bytes(.pdf, size: 512)), idempotencyKey: "k-1")
            _ = try await sim.createAgent(prompt: "p", assetIDs: [assetID])
            _ = try await sim.send(.GET, "/v3/videos/nothing")

            let reply = try await sim.send(.GET, "/_admin/stats", apiKey: nil)
            #expect(reply.status == 200)
            let stats = try JSONDecoder().decode(SimulatorStats.self, from: Data(reply.body))
            #expect(stats.requests["POST /v3/assets"] == 2)
            #expect(stats.requests["POST /v3/video-agents"] == 1)
            #expect(stats.requests["GET /v3/videos/{id}"] == 1)
            #expect(stats.uploads == 2)
            #expect(stats.uploadsByIdempotencyKey == ["k-1": 1])
            #expect(stats.agentsCreated == 1)
            #expect(stats.responsesByStatus["404"] == 1)
            #expect(stats.lastAgentRequestBody?.objectValue?["prompt"] == .string("p"))

            sim.simulator.resetStats()
            #expect(sim.simulator.stats == SimulatorStats())
        }
    }

    @Test("faults decode from a partial JSON object, defaults for the rest")
    func partialDecoding() throws {
        let faults = try JSONDecoder().decode(SimulatorFaults.self, from: Data(#"{"errorRate":0.25,"seed":3}"#.utf8))
        var expected = SimulatorFaults()
        expected.errorRate = 0.25
        expected.seed = 3
        #expect(faults == expected)
        #expect(expected.rejectedKeys == ["bad-key"])
    }
}
