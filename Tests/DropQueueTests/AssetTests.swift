import DropQueue
import Foundation
import Testing

@Suite("Asset table", .timeLimit(.minutes(5)))
struct AssetTests {
    private func record(_ sha: String, id: String, at date: Date) -> AssetRecord {
        AssetRecord(sha256: sha, assetID: id, url: "https://files.example/\(id)", mimeType: "application/pdf",
                    sizeBytes: 245_760, uploadedAt: date)
    }

    @Test("a recorded asset is found within the reuse window only")
    func reuseWindow() async throws {
        try await withQueue { queue, _ in
            let asset = record("ab12", id: "asset_1", at: at(100))
            try queue.recordAsset(asset)
            #expect(try queue.asset(sha256: "ab12", notOlderThan: at(100)) == asset)
            #expect(try queue.asset(sha256: "ab12", notOlderThan: at(50)) == asset)
            #expect(try queue.asset(sha256: "ab12", notOlderThan: at(101)) == nil)
            #expect(try queue.asset(sha256: "ffff", notOlderThan: t0) == nil)
        }
    }

    @Test("recording the same bytes again replaces the record")
    func upsert() async throws {
        try await withQueue { queue, _ in
            try queue.recordAsset(record("ab12", id: "asset_1", at: at(100)))
            let newer = record("ab12", id: "asset_2", at: at(900))
            try queue.recordAsset(newer)
            #expect(try queue.asset(sha256: "ab12", notOlderThan: at(500)) == newer)
        }
    }
}
