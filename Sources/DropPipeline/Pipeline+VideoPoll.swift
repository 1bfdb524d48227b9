import Foundation
import HeyGenAPI
import Logging
import SystemSupport

/// The wait for the video: the phase `waitingForVideo`.
extension Pipeline {
    /// Asks after the job's video once. Ends in a verdict (completed, failed, timed out, refused too long) or
    /// in `putBack`, due again after the poll delay (or the server's `Retry-After`, if longer).
    func pollVideo(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let sessionID = run.progress.sessionID else {
            throw LifecycleViolation(message: "waiting for the video of a job without a Video Agent session")
        }
        // Measured on the lease clock, so a step of the wall clock does not time every video out at once.
        let started = run.progress.waitStartedAt ?? leaseClock.now()
        run.progress.waitStartedAt = started
        if leaseClock.now().timeIntervalSince(started) > options.videoTimeout.seconds {
            let minutes = Int(options.videoTimeout.seconds / 60)
            return try enter(
                &run, .verdict(.failed, .init(code: .videoTimeout, message: "no finished video after \(minutes) minutes of waiting")))
        }
        let client = self.client
        var serverWait: Duration?
        do {
            var justLearned = false
            if run.progress.videoID == nil {
                let session = try await remote { () async throws(HeyGenError) -> VideoAgentSession in
                    try await client.videoAgentSession(id: sessionID)
                }
                run.progress.pollAuthFailures = nil
                run.progress.pollAuthFailingSince = nil
                if session.status == "failed" {
                    run.progress.videoState = .init(status: "failed")
                    return try enter(
                        &run, .verdict(.failed, .init(code: .videoFailed, message: "the Video Agent session \(sessionID) failed")))
                }
                run.progress.videoID = session.videoID
                justLearned = session.videoID != nil && session.status != "completed"
                if run.progress.videoState?.status != "completed" {
                    run.progress.videoState = .init(status: session.status)
                }
            }
            if justLearned {
                // A video just named by its session is being made: its first status comes with the next round.
            } else if run.progress.videoID != nil, let status = run.bulkVideoStatus, Self.isInTheMaking(status) {
                // The bulk answer says it is still being made: no request of its own.
                if run.progress.videoState?.status != status { run.progress.videoState = .init(status: status) }
            } else if let videoID = run.progress.videoID {
                let video = try await remote { () async throws(HeyGenError) -> VideoStatus in
                    try await client.video(id: videoID)
                }
                run.progress.pollAuthFailures = nil
                run.progress.pollAuthFailingSince = nil
                run.progress.videoState = .init(
                    status: video.status, videoURL: video.videoURL, thumbnailURL: video.thumbnailURL,
                    duration: video.duration, failureCode: video.failureCode, failureMessage: video.failureMessage)
                switch video.status {
                case "completed":
                    metrics.videoWait(.seconds(max(0, leaseClock.now().timeIntervalSince(started))))
                    return try videoFinished(&run, video)
                case "failed":
                    metrics.videoWait(.seconds(max(0, leaseClock.now().timeIntervalSince(started))))
                    let reason = video.failureMessage ?? video.failureCode ?? "no reason given"
                    return try enter(
                        &run, .verdict(.failed, .init(code: .videoFailed, message: "video \(videoID) failed: \(reason)")))
                default:
                    break
                }
            }
        } catch let error as HeyGenError where error.category == .unauthorized {
            // A refused key while the video is made may pass (a key rotation, a glitch): the video may still
            // complete, so ask again a few times over minutes before failing.
            let since = run.progress.pollAuthFailingSince ?? Date()
            let count = (run.progress.pollAuthFailures ?? 0) + 1
            if count >= Self.pollAuthFailureLimit || Date().timeIntervalSince(since) >= Self.pollAuthFailureWindow {
                var failure = try resultError(error)
                failure.message = "\(failure.message) (\(count) video polls in a row refused)"
                return try enter(&run, .verdict(.failed, failure))
            }
            run.progress.pollAuthFailures = count
            run.progress.pollAuthFailingSince = since
            run.logger(logger).warning("video poll refused (\(count) in a row); asking again: \(error)")
        } catch let error as HeyGenError where error.isRetryable || error.category == .notFound || error.httpStatus == 200 {
            // Sessions are known to 404 now and then, and a 200 can carry an error: wait and ask again.
            run.logger(logger).debug("video poll did not answer: \(error)")
            serverWait = error.retryAfter
        } catch let error as HeyGenError {
            return try enter(&run, .verdict(.failed, try resultError(error)))
        }
        let delay = run.progress.pollDelaySeconds ?? options.videoPollInitial.seconds
        run.progress.pollDelaySeconds = min(delay * 1.5, options.videoPollMax.seconds)
        // A Retry-After (at most 30 days, as the client reads it) is honoured by polling no sooner.
        let wait = max(Duration.seconds(delay), serverWait ?? .zero)
        try await release(&run, to: .waitingVideo, after: wait, stage: .waitingVideo)
        return try enter(&run, .putBack)
    }

    /// True for a status from a bulk answer that says the video is still being made (neither finished nor
    /// unknown to the API): its details are fetched only once it is finished.
    static func isInTheMaking(_ status: String) -> Bool {
        !["completed", "failed", "not_found"].contains(status)
    }

    /// Video polls in a row refused (401/403) before the job fails with `unauthorized`.
    static let pollAuthFailureLimit = 5
    /// How long, in seconds, video polls may keep being refused before the job fails with `unauthorized`.
    static let pollAuthFailureWindow: TimeInterval = 600
}
