import DropQueue
import Foundation
import HeyGenAPI
import Logging

/// Asking after many waiting videos at once: `GET /v3/videos/statuses` for up to 100 ids, then the
/// details (`GET /v3/videos/{id}`) only of those finished.
extension Pipeline {
    /// Polls the claimed waiting jobs: one bulk status request for the videos whose ids are known, then
    /// each job's poll with the status found (a video still being made costs no request of its own), a
    /// few jobs at a time. Without an answer (an error, or an API without the bulk call) each job polls on
    /// its own, as it would alone.
    func pollBatch(_ jobs: [Job]) async {
        let videoIDs = jobs.map { job in (try? JobProgress.decode(job.progress))?.videoID }
        let statuses = await bulkStatuses(of: Array(Set(videoIDs.compactMap { $0 })))
        let width = max(4, options.workers)
        await withTaskGroup(of: Void.self) { group in
            for (index, job) in jobs.enumerated() {
                if index >= width { await group.next() }
                let status = videoIDs[index].flatMap { statuses[$0] }
                group.addTask { await self.withLease(job) { await self.poll(job, bulkStatus: status) } }
            }
        }
    }

    /// The statuses of `ids` by id, from as few bulk requests as the API allows; empty when the API has no
    /// bulk call or did not answer.
    private func bulkStatuses(of ids: [String]) async -> [String: String] {
        guard !ids.isEmpty, !bulkStatusUnsupported.load(ordering: .relaxed) else { return [:] }
        let client = self.client
        var statuses: [String: String] = [:]
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + HeyGenClient.maxBulkStatusIDs, ids.count)])
            start += chunk.count
            var token: String?
            var pages = 0
            do {
                repeat {
                    let page = try await client.videoStatuses(ids: chunk, token: token)
                    for entry in page.statuses { statuses[entry.id] = entry.status }
                    token = page.nextToken
                    pages += 1
                } while token != nil && pages < Self.maxBulkStatusPages
            } catch let error where error.httpStatus == 404 || error.httpStatus == 405 {
                bulkStatusUnsupported.store(true, ordering: .relaxed)
                logger.notice("the API has no bulk video status (HTTP \(error.httpStatus ?? 0)); asking after each video on its own")
                return statuses
            } catch {
                logger.debug("bulk video status did not answer; asking after these videos one by one: \(error)")
            }
        }
        return statuses
    }

    /// The most pages one bulk status request is followed for (a page holds at least one entry, so 100
    /// ids never need more; this bounds a misbehaving answer).
    static let maxBulkStatusPages = 10
}
