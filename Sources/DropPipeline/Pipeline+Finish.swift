import DropSettings
import DropQueue
import Foundation
import InboxWatcher
import Logging
import SystemSupport

/// The end of a job: a sidecar left without its file, and the phase `finishing` (the outcome settled, the
/// result written, the sources moved, the job closed).
extension Pipeline {
    // MARK: - Sidecars without a file

    /// A sidecar job: removed when its file took it along (or it is gone), put back while its file is
    /// expected, failed as `orphan_sidecar` when the file never came.
    func checkOrphan(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        let name = run.job.sourceName
        guard FileIO.kind("\(profile(of: run).inbox)/\(name)") != nil else {
            // It moved with its file, or was taken away: nothing to report.
            try await queue.delete(run.job.id)
            return try enter(&run, .removed)
        }
        let target = DropRules.sidecarTarget(of: name)?.target ?? name
        let targetActive = try await queue.activeJob(sourceName: target, profile: run.job.profile) != nil
        if targetActive || FileIO.exists("\(profile(of: run).inbox)/\(target)") {
            try await release(&run, to: .queued, after: options.orphanSidecarTimeout, stage: .waitingFile)
            return try enter(&run, .putBack)
        }
        let minutes = max(1, Int((options.orphanSidecarTimeout.seconds / 60).rounded()))
        return try enter(
            &run,
            .verdict(.failed, .init(code: .orphanSidecar, message: "\(name): its file \(target) did not arrive within \(minutes) minutes")))
    }

    // MARK: - Finishing

    /// Settles the job's outcome: builds the result, plans the moves, and saves both (phase `finishing`).
    func decide(_ run: inout JobRun, _ status: JobResult.Status, error: JobResult.ResultError?) async throws {
        // A request cut short by shutdown is no verdict on the job: leave it for the next start.
        try Task.checkCancellation()
        let name = run.job.sourceName
        let folder = status == .succeeded ? profile(of: run).archive : profile(of: run).failed
        let identities = try await identitiesToMove(&run)
        let moves = SourceMover.plan(
            main: name, identity: identities.main, companions: identities.companions, inbox: profile(of: run).inbox, to: folder)
        let result = JobResult(
            jobID: "\(run.job.id.rawValue)",
            status: status,
            source: .init(
                name: name, kind: run.job.jobKind == .bundle ? .bundle : .file,
                movedTo: identities.mainInPlace ? moves[0].to : nil),
            assets: run.progress.files.map {
                JobResult.Asset(
                    name: $0.name, sha256: $0.inspected?.sha256, sizeBytes: $0.inspected?.sizeBytes,
                    mimeType: $0.mimeType ?? $0.inspected?.mediaType.mimeType, assetID: $0.assetID, url: $0.url,
                    reused: $0.reused, upload: $0.upload?.rawValue ?? ($0.reused ? "reused" : nil))
            },
            videoAgent: run.progress.video.map { spec in
                let state = run.progress.videoState
                return JobResult.VideoAgent(
                    prompt: spec.prompt, sessionID: run.progress.sessionID, videoID: run.progress.videoID,
                    status: state?.status ?? "not_started", videoURL: state?.videoURL, thumbnailURL: state?.thumbnailURL,
                    duration: state?.duration, failureCode: state?.failureCode, failureMessage: state?.failureMessage)
            },
            error: error,
            attempts: run.attempts,
            createdAt: run.job.createdAt,
            finishedAt: Date())
        // Whatever ended the job, no download goes on: no temporary file is left behind.
        removeTemporaryFiles(run)
        var withOutputs = result
        withOutputs.downloads = downloadedFiles(run)
        withOutputs.profile = run.job.profile
        withOutputs.translations = run.progress.translation?.resultEntries(downloads: run.progress.downloads)
        run.progress.finish = .init(result: withOutputs, moves: moves)
        try await save(&run, stage: .finishing)
    }

    /// Writes the decided result, moves the sources, and closes the job (phase `finished`). Safe to repeat
    /// after a crash.
    func complete(_ run: inout JobRun) async throws {
        guard var plan = run.progress.finish else { return }
        var leftInPlace: Set<String>?
        for _ in 0..<10 {
            // The result is written (and flushed) before the sources move.
            let (writer, result, moves) = (resultWriter(for: run), plan.result, plan.moves)
            let outcome = try await BlockingIO.local { () throws -> SourceMover.Outcome in
                try writer.write(result)
                return try SourceMover.execute(moves)
            }
            if case .done(let left) = outcome {
                leftInPlace = left
                break
            }
            // Something took a destination name meanwhile: choose new names and rewrite the result.
            let folder = plan.result.status == .succeeded ? profile(of: run).archive : profile(of: run).failed
            let main = plan.moves[0]
            let companions = plan.moves.dropFirst().map { (name: ($0.from as NSString).lastPathComponent, identity: $0.identity) }
            plan.moves = SourceMover.plan(
                main: run.job.sourceName, identity: main.identity, companions: companions, inbox: profile(of: run).inbox, to: folder)
            if plan.result.source.movedTo != nil { plan.result.source.movedTo = plan.moves[0].to }
            run.progress.finish = plan
            try await save(&run, stage: .finishing)
        }
        guard let leftInPlace else {
            throw FileIOError("cannot move the sources of \(run.job.sourceName): their destination names keep being taken")
        }
        let mainLeft = leftInPlace.contains(plan.moves[0].from)
        if mainLeft, plan.result.source.movedTo != nil {
            // Replaced or changed after the decision: it stays in the inbox, and the result says so.
            plan.result.source.movedTo = nil
            run.progress.finish = plan
            try await save(&run, stage: .finishing)
            let (writer, result) = (resultWriter(for: run), plan.result)
            _ = try await BlockingIO.local { try writer.write(result) }
        }
        // Sidecars that moved with their file no longer wait to be reported as orphans.
        for move in plan.moves.dropFirst() where !leftInPlace.contains(move.from) {
            let name = (move.from as NSString).lastPathComponent
            if let waiting = try await queue.activeJob(sourceName: name, profile: run.job.profile), waiting.jobKind == .sidecar {
                try await queue.delete(waiting.id)
            }
        }
        let state: JobState = plan.result.status == .succeeded ? .succeeded : .failed
        // The record closes in the phase `finished`; should closing fail, the job stays `finishing` and is
        // completed again.
        var closed = run
        _ = try enter(&closed, .completed)
        heartbeat.beat()
        try await queue.finish(
            run.job.id, token: run.token, as: state, stage: nil, progress: closed.progressRecord(), attempts: run.attempts,
            lastError: plan.result.error.map { "\($0.code.rawValue): \($0.message)" })
        run.progress.phase = closed.progress.phase
        // Something under the same name that this job did not take (dropped, or changed, while it ran) gets a job of its own.
        try? await enqueueLeftover(&run, mainLeftInPlace: mainLeft)
        var metadata: Logger.Metadata = ["status": "\(plan.result.status.rawValue)"]
        if let error = plan.result.error { metadata["error"] = "\(error.code.rawValue)" }
        // The video's id, not its URL: HeyGen's file URLs are presigned, and a log must not carry a credential.
        if let video = plan.result.videoAgent?.videoID { metadata["video_id"] = "\(video)" }
        let level: Logger.Level = state == .succeeded ? .info : .warning
        run.logger(logger).log(level: level, "job finished\(plan.result.error.map { ": \($0.message)" } ?? "")", metadata: metadata)
    }
}
