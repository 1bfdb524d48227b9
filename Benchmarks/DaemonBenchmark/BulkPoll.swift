import Foundation
import HeyGenSimulator

/// Many videos waiting at once: the API requests spent asking after them with bulk status requests,
/// beside the same run against an API without the bulk call (one request per video and poll).
struct BulkPoll {
    let options: BenchmarkOptions
    let binary: String

    func run() async throws {
        let videos = try options.int("videos", default: 500)
        let polls = try options.int("polls", default: 10)
        print("bulk-poll: \(videos) videos made at once, each finished after \(polls) polls")
        for bulk in [true, false] {
            var faults = SimulatorFaults()
            faults.pollsUntilCompleted = polls
            faults.maxConcurrentVideos = videos
            faults.bulkStatusMissing = !bulk
            let requests = try await withSimulator(faults) { simulator, port in
                let workspace = try Workspace(binary: binary)
                defer { workspace.remove() }
                for index in 0..<videos {
                    _ = FileManager.default.createFile(
                        atPath: "\(workspace.inbox)/f\(index).png.prompt", contents: Data("video \(index)".utf8))
                }
                try Workspace.writeFiles(videos, into: workspace.inbox)
                let daemon = try workspace.startDaemon(
                    port: port,
                    settings: [
                        "HEYGEN_DROPD_VIDEO_CONCURRENCY": "\(videos)", "HEYGEN_DROPD_SETTLE_MS": "0",
                        "HEYGEN_DROPD_VIDEO_POLL_INITIAL_MS": "500", "HEYGEN_DROPD_VIDEO_POLL_MAX_MS": "1000",
                    ])
                defer { workspace.stop(daemon) }
                try await waitUntil(timeout: .seconds(1200)) { workspace.resultCount() >= videos }
                return simulator.stats.requests
            }
            let statuses = requests["GET /v3/videos/statuses"] ?? 0
            let details = requests["GET /v3/videos/{id}"] ?? 0
            let sessions = requests["GET /v3/video-agents/{id}"] ?? 0
            let label = bulk ? "bulk status (heygen-dropd)" : "one GET per poll (API without bulk status)"
            print("  \(label): \(statuses) status + \(details) video detail + \(sessions) session requests")
        }
    }
}
