import AsyncHTTPClient
import Foundation
import HeyGenAPI
import HeyGenSimulator
import Logging
import NIOCore
import TestSupport
import Testing

/// The simulator answers oversized Video Agent bodies as the API does, lists sessions with their
/// `callback_id`, keeps its admin routes to loopback and its memory bounded.
@Suite("Simulator hardening", .timeLimit(.minutes(5)))
struct SimulatorHardeningTests {
    @Test("a Video Agent body over 1 MiB is answered 413, and the client calls it a permanent rejection")
    func oversizedAgentBody() async throws {
        try await withSimulator { harness in
            let client = harness.client()
            let request = VideoAgentRequest(
                prompt: "big", assetIDs: [], extraFields: ["padding": .string(String(repeating: "x", count: (1 << 20) + 10))])
            do {
                _ = try await client.createVideoAgent(request)
                Issue.record("expected a 413")
            } catch let error as HeyGenError {
                #expect(error.httpStatus == 413)
                #expect(error.category == .rejected)
                #expect(!error.isRetryable)
            }
            #expect(harness.simulator.stats.responsesByStatus["413"] == 1)
            #expect(harness.simulator.stats.responsesByStatus["500"] == nil)
            #expect(harness.simulator.stats.agentsCreated == 0)
        }
    }

    @Test("GET /v3/video-agents lists sessions newest first, with their callback_id, page by page")
    func listSessions() async throws {
        try await withSimulator { harness in
            let client = harness.client()
            var made: [String] = []
            for index in 0..<5 {
                let session = try await client.createVideoAgent(
                    VideoAgentRequest(prompt: "v\(index)", assetIDs: [], extraFields: ["callback_id": .string("cb-\(index % 2)")]))
                made.append(session.sessionID)
            }
            let first = try await client.videoAgentSessions(limit: 2)
            #expect(first.sessions.count == 2)
            #expect(first.nextToken != nil)
            var all = first.sessions
            var token = first.nextToken
            while let next = token {
                let page = try await client.videoAgentSessions(limit: 2, token: next)
                all += page.sessions
                token = page.nextToken
            }
            #expect(Set(all.map(\.sessionID)) == Set(made))
            #expect(all.allSatisfy { $0.createdAt != nil })
            let matching = try await client.videoAgentSessions(
                callbackID: "cb-1", since: Date().addingTimeInterval(-60), policy: RetryPolicy(maxAttempts: 1))
            #expect(Set(matching.map(\.sessionID)) == [made[1], made[3]])
            let none = try await client.videoAgentSessions(
                callbackID: "cb-9", since: Date().addingTimeInterval(-60), policy: RetryPolicy(maxAttempts: 1))
            #expect(none.isEmpty)
        }
    }

    @Test("the create faults act after the session exists: a 500, a cut connection")
    func createFaultsAfterCreating() async throws {
        try await withSimulator(faults: SimulatorFaults(agentCreateErrorAfterCreateRate: 1)) { harness in
            let client = harness.client()
            do {
                _ = try await client.createVideoAgent(VideoAgentRequest(prompt: "p", assetIDs: [], extraFields: ["callback_id": .string("a")]))
                Issue.record("expected a 500")
            } catch let error as HeyGenError {
                #expect(error.httpStatus == 500)
                #expect(error.isRetryable)
                #expect(!error.notSent)
            }
            #expect(harness.simulator.stats.agentsCreated == 1)
            harness.simulator.updateFaults {
                $0.agentCreateErrorAfterCreateRate = 0
                $0.agentCreateDropAfterCreateRate = 1
            }
            do {
                _ = try await client.createVideoAgent(VideoAgentRequest(prompt: "p", assetIDs: [], extraFields: ["callback_id": .string("b")]))
                Issue.record("expected a cut connection")
            } catch let error as HeyGenError {
                #expect(error.category == .networkError || error.category == .serverError)
                #expect(!error.notSent)
            }
            #expect(harness.simulator.stats.agentsCreated == 2)
            let listed = try await client.videoAgentSessions()
            #expect(Set(listed.sessions.compactMap(\.callbackID)) == ["a", "b"])
        }
    }

    @Test("a connection refused proves the request was not sent")
    func refusedIsNotSent() async throws {
        try await withSimulator { harness in
            do {
                _ = try await harness.unreachableClient().createVideoAgent(VideoAgentRequest(prompt: "p", assetIDs: []))
                Issue.record("expected a failure")
            } catch let error as HeyGenError {
                #expect(error.category == .networkError)
                #expect(error.notSent)
            }
        }
    }

    @Test("/_admin answers on loopback and is refused with 403 when the simulator is bound to another address")
    func adminOnlyOnLoopback() async throws {
        let quiet = quietLogger("sim")
        let wide = HeyGenSimulator(host: "0.0.0.0", port: 0, logger: quiet)
        try await wide.withRunning { port in
            for path in ["/_admin/stats", "/_admin/faults"] {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = .GET
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
                #expect(response.status.code == 403, "\(path)")
                _ = try await response.body.collect(upTo: 1 << 16)
            }
            var put = HTTPClientRequest(url: "http://127.0.0.1:\(port)/_admin/faults")
            put.method = .PUT
            put.body = .bytes(ByteBuffer(string: #"{"errorRate": 1}"#))
            let response = try await HTTPClient.shared.execute(put, timeout: .seconds(20))
            #expect(response.status.code == 403)
            _ = try await response.body.collect(upTo: 1 << 16)
            #expect(wide.faults.errorRate == 0)
        }
        try await withSimulator { sim in
            let reply = try await sim.send(.GET, "/_admin/stats", apiKey: nil)
            #expect(reply.status == 200)
        }
        #expect(LoopbackHost.isLoopback("127.0.0.1"))
        #expect(LoopbackHost.isLoopback("127.45.1.2"))
        #expect(LoopbackHost.isLoopback("::1"))
        #expect(LoopbackHost.isLoopback("[::1]"))
        #expect(LoopbackHost.isLoopback("LocalHost"))
        #expect(!LoopbackHost.isLoopback("0.0.0.0"))
        #expect(!LoopbackHost.isLoopback("127.evil.example"))
        #expect(!LoopbackHost.isLoopback("::"))
        #expect(!LoopbackHost.isLoopback("10.0.0.1"))
    }

    @Test("old assets, sessions and idempotency records expire, by count and by age", .timeLimit(.minutes(3)))
    func memoryStaysBounded() async throws {
        let quiet = quietLogger("sim")
        let simulator = HeyGenSimulator(retention: SimulatorRetention(maxCount: 3, maxAge: 3600), logger: quiet)
        try await withSimulator(running: simulator) { sim in
            var assets: [String] = []
            for index in 0..<6 {
                let reply = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), fileName: "\(index).png", idempotencyKey: "key-\(index)")
                assets.append(try #require(reply.data("asset_id")?.stringValue))
            }
            for index in 0..<6 { _ = try await sim.createAgent(prompt: "v\(index)") }
            let counts = simulator.storedCounts
            #expect(counts.assets == 3)
            #expect(counts.sessions == 3)
            #expect(counts.idempotencyKeys == 3)
            // The oldest asset is gone, the newest is still known.
            #expect(try await sim.createAgent(assetIDs: [assets[0]]).status == 400)
            #expect(try await sim.createAgent(assetIDs: [assets[5]]).status == 200)
        }
        let shortLived = HeyGenSimulator(retention: SimulatorRetention(maxCount: 100, maxAge: 1), logger: quiet)
        try await withSimulator(running: shortLived) { sim in
            let old = try await sim.uploadAssetID()
            _ = try await sim.createAgent(prompt: "old")
            try await Task.sleep(for: .milliseconds(2200))
            _ = try await sim.uploadAssetID()
            #expect(shortLived.storedCounts.assets == 1)
            #expect(shortLived.storedCounts.sessions == 0)
            #expect(try await sim.createAgent(assetIDs: [old]).status == 400)
        }
    }
}
