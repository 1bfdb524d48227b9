import DropHTTP
import Foundation
import Testing

@testable import DropOperator
@testable import DropPipeline

/// What `status --watch` draws, and when a long transfer logs its percentage.
@Suite struct WatchScreenTests {
    static func snapshot() -> DashboardSnapshot {
        let now = Date()
        return DashboardSnapshot(
            generatedAt: now,
            counts: [
                StateCount(profile: "default", state: "queued", count: 3),
                StateCount(profile: "default", state: "waiting_video", count: 1),
                StateCount(profile: "default", state: "succeeded", count: 7),
            ],
            oldestQueuedAgeSeconds: 12,
            inFlight: [
                InFlightJob(
                    id: 4, profile: "default", name: "big\u{1B}[2Jclip-with-a-rather-long-name.mp4", state: "queued",
                    stage: "uploading", progress: ProgressBar(step: "upload", done: 50, total: 200, unit: "bytes"),
                    createdAt: now),
                InFlightJob(
                    id: 5, profile: "default", name: "talk.pdf", state: "waiting_video", stage: nil,
                    progress: ProgressBar(step: "video", done: 0, total: 0, unit: "percent"), createdAt: now),
            ],
            errors: [RecentError(id: 2, profile: "default", name: "bad.png", finishedAt: now, message: "rejected: nope")])
    }

    @Test func linesFitTheWidthAndShowABarPerJob() {
        for width in [20, 40, 64, 120] {
            let lines = WatchScreen.lines(Self.snapshot(), width: width, daemon: "daemon running (pid 1)")
            for line in lines { #expect(line.count <= width, "\(width): \(line)") }
        }
        let lines = WatchScreen.lines(Self.snapshot(), width: 120, daemon: "daemon running (pid 1)")
        #expect(lines.contains("queued 2, in flight 1, waiting for video 1, succeeded 7, failed 0"))
        let upload = lines.first { $0.hasPrefix("#4 ") } ?? ""
        #expect(upload.contains("[##########------------------------------]   25%"), "\(upload)")
        #expect(lines.contains { $0.hasPrefix("#5 video") && $0.contains("[....") && $0.hasSuffix("talk.pdf") })
        #expect(lines.contains("#2 bad.png: rejected: nope"))
    }

    @Test func namesCannotDriveTheTerminal() {
        let lines = WatchScreen.lines(Self.snapshot(), width: 200, daemon: "-")
        #expect(!lines.joined().contains("\u{1B}"))
        #expect(lines.contains { $0.contains("big?[2Jclip") })
    }

    @Test func percentagesAreLoggedAtMostEveryInterval() {
        let start = ContinuousClock.now
        let log = PercentLog(every: .seconds(5), start: start)
        #expect(log.due(done: 10, total: 100, now: start + .seconds(1)) == nil)
        #expect(log.due(done: 30, total: 100, now: start + .seconds(5)) == 30)
        #expect(log.due(done: 40, total: 100, now: start + .seconds(6)) == nil)
        #expect(log.due(done: 40, total: 100, now: start + .seconds(11)) == 40)
        #expect(log.due(done: 40, total: 100, now: start + .seconds(20)) == nil)
        #expect(log.due(done: 100, total: 100, now: start + .seconds(21)) == 100)
        // A transfer that never logged does not log its end alone.
        let quick = PercentLog(every: .seconds(5), start: start)
        #expect(quick.due(done: 100, total: 100, now: start + .seconds(1)) == nil)
    }
}
