import DropHTTP
import DropMetrics
import Foundation
import SystemSupport
import Testing
import TestSupport

@Suite("HTTP endpoint")
struct HTTPEndpointTests {
    static let hostile = "<script>alert(1)</script>&\"x'.png"

    static func snapshot() -> DashboardSnapshot {
        let now = Date()
        return DashboardSnapshot(
            generatedAt: now,
            counts: [
                StateCount(profile: "default", state: "queued", count: 2),
                StateCount(profile: "default", state: "succeeded", count: 5),
            ],
            oldestQueuedAgeSeconds: 42,
            inFlight: [
                InFlightJob(
                    id: 7, profile: "default", name: hostile, state: "queued", stage: "uploading",
                    progress: ProgressBar(step: "upload", done: 512, total: 1024, unit: "bytes"), createdAt: now),
                InFlightJob(
                    id: 8, profile: "default", name: "launch", state: "queued", stage: "downloading",
                    progress: ProgressBar(step: "download", done: 1, total: 2, unit: "files"),
                    downloads: DownloadsInFlight(
                        filesDone: 1, filesTotal: 2, bytesDone: 4096, current: "thumbnail",
                        waitingForSpaceSince: Date(timeIntervalSince1970: 1_800_000_000)),
                    createdAt: now),
            ],
            results: [
                RecentResult(
                    id: 3, profile: "default", name: "talk.mp4", finishedAt: now, videoID: "v1",
                    thumbnailURL: "http://127.0.0.1:1/thumb.jpg", downloadedPath: "/srv/outbox/talk.mp4")
            ],
            errors: [RecentError(id: 4, profile: "default", name: hostile, finishedAt: now, message: "rejected: <b>")])
    }

    @Test("healthz says ok, or 503 with the reasons", .timeLimit(.minutes(2)))
    func health() async throws {
        try await withEndpoint(source: FixedSource(fixed: Self.snapshot())) { get in
            let ok = try await get("/healthz")
            #expect(ok.status == 200)
            #expect(ok.body == "ok\n")
        }
        let sick = FixedSource(
            fixed: Self.snapshot(),
            problems: [
                HealthProblem(
                    component: "queue", state: "unreachable",
                    message: "queue database postgres://q@127.0.0.1:5/q unavailable: connection refused",
                    since: "2026-12-02T10:00:00Z"),
                HealthProblem(component: "inbox", state: "not_watched", message: "inbox /srv/in not watched"),
            ])
        try await withEndpoint(source: sick) { get in
            let answer = try await get("/healthz")
            #expect(answer.status == 503)
            #expect(answer.contentType == "application/json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            #expect(object["status"] as? String == "unavailable")
            let problems = try #require(object["problems"] as? [[String: Any]])
            #expect(problems.count == 2)
            #expect(problems.first?["component"] as? String == "queue")
            #expect(problems.first?["state"] as? String == "unreachable")
            #expect(problems.first?["since"] as? String == "2026-12-02T10:00:00Z")
            #expect((problems.first?["message"] as? String)?.contains("postgres://q@127.0.0.1:5/q") == true)
            #expect(problems.last?["component"] as? String == "inbox")
            #expect(problems.last?["state"] as? String == "not_watched")
        }
    }

    @Test("/api/jobs is the snapshot as JSON, names as they are", .timeLimit(.minutes(2)))
    func jobsJSON() async throws {
        try await withEndpoint(source: FixedSource(fixed: Self.snapshot())) { get in
            let answer = try await get("/api/jobs")
            #expect(answer.status == 200)
            #expect(answer.contentType == "application/json")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            let inFlight = try #require(object["in_flight"] as? [[String: Any]])
            #expect(inFlight.first?["name"] as? String == Self.hostile)
            let progress = try #require(inFlight.first?["progress"] as? [String: Any])
            #expect(progress["done"] as? Double == 512)
            #expect(inFlight.first?["downloads"] == nil)
            // A job downloading into the outbox: its files done of all, their bytes, the file in progress.
            let downloading = try #require(inFlight.first { $0["name"] as? String == "launch" })
            let bar = try #require(downloading["progress"] as? [String: Any])
            #expect(bar["step"] as? String == "download" && bar["unit"] as? String == "files")
            #expect(bar["done"] as? Double == 1 && bar["total"] as? Double == 2)
            let downloads = try #require(downloading["downloads"] as? [String: Any])
            #expect(downloads["files_done"] as? Int == 1)
            #expect(downloads["files_total"] as? Int == 2)
            #expect(downloads["bytes_done"] as? Int == 4096)
            #expect(downloads["current"] as? String == "thumbnail")
            #expect(downloads["waiting_for_space_since"] as? String == "2027-01-15T08:00:00Z")
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.first?["thumbnail_url"] as? String == "http://127.0.0.1:1/thumb.jpg")
            #expect(results.first?["downloaded_path"] as? String == "/srv/outbox/talk.mp4")
        }
        var down = FixedSource(fixed: Self.snapshot())
        down.queueDown = true
        try await withEndpoint(source: down) { get in
            let answer = try await get("/api/jobs")
            #expect(answer.status == 503)
        }
    }

    @Test("the page is self-contained and embeds user strings only escaped", .timeLimit(.minutes(2)))
    func page() async throws {
        try await withEndpoint(source: FixedSource(fixed: Self.snapshot())) { get in
            let page = try await get("/")
            #expect(page.status == 200)
            #expect(page.contentType.hasPrefix("text/html"))
            // The hostile name is in the embedded snapshot, escaped so that it cannot end the script element.
            #expect(page.body.contains(#"\u003cscript\u003ealert(1)\u003c\/script\u003e\u0026"#))
            #expect(!page.body.contains("<script>alert"))
            #expect(!page.body.contains("<b>"))
            // Exactly the two inline script elements of the page itself; nothing loaded from elsewhere.
            #expect(page.body.components(separatedBy: "<script").count == 3)
            #expect(!page.body.contains("src=\""))
            #expect(!page.body.contains("<link"))
            #expect(!page.body.contains("@import"))
            #expect(!page.body.contains("url("))
            #expect(page.body.contains("setInterval(refresh, 2000)"))
            #expect(page.body.contains("fetch(\"/api/jobs\""))
            // The renderer writes strings as text; innerHTML is never used.
            #expect(!page.body.contains("innerHTML"))
        }
    }

    @Test("/metrics is Prometheus text with the series recorded and the job gauges", .timeLimit(.minutes(2)))
    func metrics() async throws {
        let registry = MetricsRegistry()
        let metrics = registry.metrics
        metrics.fileSeen(profile: "default")
        metrics.fileSeen(profile: "default")
        metrics.upload(path: "multipart", outcome: "ok")
        metrics.uploadBytes(1000)
        metrics.apiRequest(endpoint: "/v3/assets", status: "200", duration: .milliseconds(30))
        metrics.apiRetry(reason: "rate_limited")
        metrics.videoWait(.seconds(90))
        metrics.inboxRescan(reason: "start")
        try await withEndpoint(source: FixedSource(fixed: Self.snapshot()), metrics: registry) { get in
            let answer = try await get("/metrics")
            #expect(answer.status == 200)
            #expect(answer.contentType.hasPrefix("text/plain"))
            let samples = try parsePrometheus(answer.body)
            #expect(samples[#"heygen_dropd_files_seen_total{profile="default"}"#] == 2)
            #expect(samples[#"heygen_dropd_uploads_total{path="multipart",outcome="ok"}"#] == 1)
            #expect(samples["heygen_dropd_upload_bytes_total"] == 1000)
            #expect(samples[#"heygen_dropd_api_requests_total{endpoint="/v3/assets",status="200"}"#] == 1)
            #expect(samples[#"heygen_dropd_api_retries_total{reason="rate_limited"}"#] == 1)
            #expect(samples[#"heygen_dropd_api_request_duration_seconds_count{endpoint="/v3/assets"}"#] == 1)
            #expect(samples[#"heygen_dropd_video_wait_seconds_bucket{le="120.0"}"#] == 1)
            #expect(samples[#"heygen_dropd_video_wait_seconds_bucket{le="60.0"}"#] == 0)
            #expect(samples[#"heygen_dropd_inbox_rescans_total{reason="start"}"#] == 1)
            #expect(samples[#"heygen_dropd_jobs{profile="default",state="queued"}"#] == 2)
            #expect(samples[#"heygen_dropd_jobs{profile="default",state="succeeded"}"#] == 5)
            #expect(samples[#"heygen_dropd_jobs{profile="default",state="failed"}"#] == 0)
            #expect(samples["heygen_dropd_oldest_queued_age_seconds"] == 42)
        }
    }

    @Test("listen addresses parse as HOST:PORT")
    func listenAddress() {
        #expect(ListenAddress(parsing: "127.0.0.1:9464") == ListenAddress(host: "127.0.0.1", port: 9464))
        #expect(ListenAddress(parsing: "[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(ListenAddress(parsing: "localhost:80")?.description == "localhost:80")
        #expect(ListenAddress(host: "::1", port: 9).description == "[::1]:9")
        for bad in ["", "9464", "host:", ":80", "host:65536", "host:-1", "::1:80", "[::1]80", "a b:1", "h:+1"] {
            #expect(ListenAddress(parsing: bad) == nil, "\(bad)")
        }
    }
}
