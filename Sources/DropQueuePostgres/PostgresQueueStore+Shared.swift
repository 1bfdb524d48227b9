import DropQueue
import PostgresNIO
import SystemSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the hosts share beyond the jobs: the asset table and the account's video slots.
extension PostgresQueueStore {
    /// See `QueueStore.asset(sha256:notOlderThan:)`: an upload by any host.
    public func asset(sha256: String, notOlderThan: Date) async throws(QueueError) -> AssetRecord? {
        let rows = try await rows(
            """
            SELECT sha256, asset_id, url, mime_type, size_bytes, uploaded_at FROM assets
            WHERE sha256 = \(sha256) AND uploaded_at >= \(notOlderThan.unixSeconds)
            """)
        guard let row = rows.first else { return nil }
        do {
            let (sha, asset, url, mime, size, at) = try row.decode((String, String, String, String, Int64, Double).self)
            return AssetRecord(
                sha256: sha, assetID: asset, url: url, mimeType: mime, sizeBytes: size,
                uploadedAt: Date(timeIntervalSince1970: at))
        } catch {
            throw queueError(error)
        }
    }

    /// See `QueueStore.recordAsset(_:)`.
    public func recordAsset(_ asset: AssetRecord) async throws(QueueError) {
        _ = try await rows(
            """
            INSERT INTO assets (sha256, asset_id, url, mime_type, size_bytes, uploaded_at)
            VALUES (\(asset.sha256), \(asset.assetID), \(asset.url), \(asset.mimeType), \(asset.sizeBytes),
                    \(asset.uploadedAt.unixSeconds))
            ON CONFLICT (sha256) DO UPDATE SET
                asset_id = excluded.asset_id, url = excluded.url, mime_type = excluded.mime_type,
                size_bytes = excluded.size_bytes, uploaded_at = excluded.uploaded_at
            """)
    }

    /// Takes a slot when the jobs waiting for their video (on every host) plus the live slots (of every host)
    /// are fewer than `limit`; counted under an advisory lock, so two hosts never both take the last slot.
    public func acquireVideoSlot(owner: String, limit: Int, lease: Duration, now: Date) async throws(QueueError) -> VideoSlot? {
        guard limit > 0 else { return nil }
        let expires = now.unixSeconds + lease.seconds
        let token = try await transaction { db, logger -> String? in
            try await db.query("SELECT pg_advisory_xact_lock(\(PostgresQueueSchema.videoSlotLock))", logger: logger)
            try await db.query("DELETE FROM video_slots WHERE expires_at <= \(now.unixSeconds)", logger: logger)
            var used: Int64 = 0
            for row in try await db.query(
                """
                SELECT (SELECT count(*) FROM jobs WHERE state = 'waiting_video')
                     + (SELECT count(*) FROM video_slots)
                """, logger: logger
            ) {
                used = try row.decode(Int64.self)
            }
            guard used < Int64(limit) else { return nil }
            for row in try await db.query(
                """
                INSERT INTO video_slots (token, owner, expires_at)
                VALUES (gen_random_uuid()::text, \(owner), \(expires))
                RETURNING token
                """, logger: logger
            ) {
                return try row.decode(String.self)
            }
            return nil
        }
        return token.map(VideoSlot.init(token:))
    }

    /// See `QueueStore.releaseVideoSlot(_:)`.
    public func releaseVideoSlot(_ slot: VideoSlot) async throws(QueueError) {
        _ = try await rows("DELETE FROM video_slots WHERE token = \(slot.token)")
    }
}
