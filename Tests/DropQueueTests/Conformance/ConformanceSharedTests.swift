import DropQueue
import Foundation
import Testing

@Suite("Queue conformance: assets and video slots", .timeLimit(.minutes(3)))
struct ConformanceSharedTests {
    @Test("an upload is found by its bytes' hash within its window, and replaced", arguments: QueueBackend.allCases)
    func assetReuse(backend: QueueBackend) async throws {
        try await backend.withStores { store, other in
            let record = AssetRecord(
                sha256: String(repeating: "ab", count: 32), assetID: "asset-1", url: "https://files.example/1",
                mimeType: "video/mp4", sizeBytes: 5_000_000_000, uploadedAt: at(100))
            #expect(try await store.asset(sha256: record.sha256, notOlderThan: t0) == nil)
            try await store.recordAsset(record)
            // Bytes uploaded by one host are found by the others.
            #expect(try await other.asset(sha256: record.sha256, notOlderThan: at(50)) == record)
            #expect(try await other.asset(sha256: record.sha256, notOlderThan: at(101)) == nil)
            var newer = record
            newer.assetID = "asset-2"
            newer.uploadedAt = at(200)
            try await other.recordAsset(newer)
            #expect(try await store.asset(sha256: record.sha256, notOlderThan: at(150)) == newer)
        }
    }

    @Test("video slots: waiting videos plus slots held never pass the limit", arguments: QueueBackend.allCases)
    func videoSlots(backend: QueueBackend) async throws {
        try await backend.withStore { store in
            let job = try await store.enqueueNew(["a"])[0]
            let claimed = try #require(try await store.claimAt(at(1)).first)
            try await store.release(
                job.id, token: claimed.leaseToken ?? "", to: .waitingVideo, nextAttemptAt: at(2), stage: nil,
                progress: nil, attempts: 1, lastError: nil, now: at(2))
            let slot = try #require(try await store.acquireVideoSlot(owner: "host-a:1", limit: 3, lease: .seconds(60), now: at(3)))
            let second = try #require(try await store.acquireVideoSlot(owner: "host-a:1", limit: 3, lease: .seconds(60), now: at(3)))
            #expect(slot != second)
            #expect(try await store.acquireVideoSlot(owner: "host-a:1", limit: 3, lease: .seconds(60), now: at(4)) == nil)
            try await store.releaseVideoSlot(slot)
            let third = try #require(try await store.acquireVideoSlot(owner: "host-a:1", limit: 3, lease: .seconds(60), now: at(5)))
            try await store.releaseVideoSlot(third)
            try await store.releaseVideoSlot(second)
        }
    }

    @Test("video slots are counted across hosts and end by themselves")
    func videoSlotsAcrossHosts() async throws {
        try await QueueBackend.postgres.withStores { first, second in
            let taken = try await withThrowingTaskGroup(of: VideoSlot?.self) { group in
                for index in 0..<12 {
                    let store = index % 2 == 0 ? first : second
                    group.addTask { try await store.acquireVideoSlot(owner: "host-\(index % 2):1", limit: 5, lease: .seconds(60), now: at(0)) }
                }
                return try await group.reduce(into: [VideoSlot]()) { if let slot = $1 { $0.append(slot) } }
            }
            #expect(taken.count == 5)
            #expect(try await second.acquireVideoSlot(owner: "host-1:1", limit: 5, lease: .seconds(60), now: at(59)) == nil)
            // A host that died holds its slots only until they expire.
            #expect(try await second.acquireVideoSlot(owner: "host-1:1", limit: 5, lease: .seconds(60), now: at(60)) != nil)
        }
    }
}
