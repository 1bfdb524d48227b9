import DropDemo
import DropPipeline
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// The daemon's HTTP endpoint (`--http-listen`) with the real binary against the simulator.
@Suite("Operations endpoint", .serialized, .timeLimit(.minutes(10)))
struct OperationsEndpointTests {
    @Test("metrics move as files go through; healthz and /api/jobs answer; stop still exits 0")
    func metricsMove() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_HTTP_LISTEN"] = "127.0.0.1:0"
            let daemon = try await h.startDaemon()
            let endpoint = try await EndpointClient.of(daemon)
            let health = try await endpoint.get("/healthz")
            #expect(health.status == 200)
            #expect(health.body == "ok\n")
            let before = try await endpoint.metrics()
            #expect(before[#"heygen_dropd_jobs{profile="default",state="succeeded"}"#] == 0)
            #expect(before[#"heygen_dropd_inbox_rescans_total{reason="startup"}"#] == 1)
            #expect(before["heygen_dropd_download_bytes_total"] == 0)
            #expect(before["heygen_dropd_video_wait_seconds_count"] == 0)

            let files = [
                ("one.png", SampleMedia.bytes(.png, size: 3000, seed: 1)),
                ("two.wav", SampleMedia.bytes(.wav, size: 5000, seed: 2)),
                ("three.pdf", SampleMedia.bytes(.pdf, size: 7000, seed: 3)),
            ]
            for (name, data) in files { try h.drop(name, data) }
            _ = try await h.waitForResults(files.map(\.0))
            let after = try await eventually("the counters caught up") { () -> [String: Double]? in
                let samples = try await endpoint.metrics()
                return samples[#"heygen_dropd_jobs{profile="default",state="succeeded"}"#] == 3 ? samples : nil
            }
            #expect(after[#"heygen_dropd_files_seen_total{profile="default"}"#] == 3)
            #expect(after[#"heygen_dropd_uploads_total{path="multipart",outcome="ok"}"#] == 3)
            #expect(after["heygen_dropd_upload_bytes_total"] == Double(files.map(\.1.count).reduce(0, +)))
            let uploadsAnswered = after.filter {
                $0.key.hasPrefix(#"heygen_dropd_api_requests_total{endpoint="/v3/assets",status="2"#)
            }
            #expect(uploadsAnswered.values.reduce(0, +) == 3, "\(uploadsAnswered)")
            #expect((after[#"heygen_dropd_api_request_duration_seconds_count{endpoint="/v3/assets"}"#] ?? 0) == 3)
            #expect(after[#"heygen_dropd_jobs{profile="default",state="queued"}"#] == 0)
            #expect(after["heygen_dropd_oldest_queued_age_seconds"] == 0)
            // Low-cardinality labels: no file name or job id ever becomes a label value.
            for series in after.keys {
                #expect(!series.contains("one.png") && !series.contains("three.pdf"), "\(series)")
            }

            let jobs = try await endpoint.jobs()
            let results = try #require(jobs["results"] as? [[String: Any]])
            #expect(Set(results.compactMap { $0["name"] as? String }) == ["one.png", "two.wav", "three.pdf"])
            #expect(!(try await endpoint.get("/api/jobs")).body.contains(h.apiKey))
            #expect(!(try await endpoint.get("/")).body.contains(h.apiKey))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a port already taken stops the start, saying so")
    func portTaken() async throws {
        try await DaemonHarness.with { h in
            // The simulator holds its port.
            h.environment["HEYGEN_DROPD_HTTP_LISTEN"] = "127.0.0.1:\(h.port)"
            let daemon = try await h.startDaemon(ready: false)
            let status = try await daemon.waitForExit(timeout: .seconds(60))
            #expect(status != 0)
            #expect(daemon.logText.contains("127.0.0.1:\(h.port)"))
        }
    }
}
