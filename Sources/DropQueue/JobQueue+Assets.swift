#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The asset table: uploads remembered by the SHA-256 of their bytes, for reuse within a window.
extension JobQueue {
    /// The asset uploaded with those bytes at or after `notOlderThan`, or nil (none, or too old to reuse).
    public func asset(sha256: String, notOlderThan: Date) throws(QueueError) -> AssetRecord? {
        try withConnection { db throws(QueueError) -> AssetRecord? in
            try db.queryFirst(
                """
                SELECT sha256, asset_id, url, mime_type, size_bytes, uploaded_at FROM assets
                WHERE sha256 = ?1 AND uploaded_at >= ?2
                """,
                [.text(sha256), .date(notOlderThan)]
            ) { row throws(QueueError) in
                AssetRecord(
                    sha256: row.string(0) ?? "", assetID: row.string(1) ?? "", url: row.string(2) ?? "",
                    mimeType: row.string(3) ?? "", sizeBytes: row.int64(4),
                    uploadedAt: row.date(5) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }

    /// Remembers an upload; replaces the record with the same sha256.
    public func recordAsset(_ asset: AssetRecord) throws(QueueError) {
        try withConnection { db throws(QueueError) in
            try db.execute(
                """
                INSERT INTO assets (sha256, asset_id, url, mime_type, size_bytes, uploaded_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (sha256) DO UPDATE SET
                    asset_id = excluded.asset_id, url = excluded.url, mime_type = excluded.mime_type,
                    size_bytes = excluded.size_bytes, uploaded_at = excluded.uploaded_at
                """,
                [
                    .text(asset.sha256), .text(asset.assetID), .text(asset.url), .text(asset.mimeType),
                    .integer(asset.sizeBytes), .date(asset.uploadedAt),
                ])
        }
    }
}
