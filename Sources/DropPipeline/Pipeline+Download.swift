import Foundation
import HeyGenAPI
import Logging
import SystemSupport
#if canImport(Glibc)
import Glibc
#endif

/// The downloads of what HeyGen made: the phase `downloading`.
///
/// Each file is streamed into a dot-named temporary file in the outbox, flushed, then renamed to its final
/// name; its size and SHA-256 are saved with the job before the next file, and the result (written last)
/// lists them. A temporary file left by a crash or a cut connection is continued with a `Range` request; an
/// expired link is fetched again from the API; transient failures are retried with backoff up to
/// `max_attempts`, then the job fails with `download_failed` (the video stays on HeyGen; its id and last URL
/// are in the result). A full outbox makes the job wait (handed back to the queue, the stage and last error
/// saying why, due after 1, 2, 4… seconds up to `diskFullRetry`) until space returns or `diskFullTimeout`
/// has passed.
extension Pipeline {
    /// Records what a finished video offers for download. Ends in `outputsReady`, or, with nothing to fetch,
    /// in the verdict `succeeded`.
    func videoFinished(_ run: inout JobRun, _ video: VideoStatus) throws -> JobLifecycle.Action {
        let items = DownloadProgress.items(for: video, selection: profile(of: run).download)
        guard !items.isEmpty else { return try enter(&run, .verdict(.succeeded, nil)) }
        run.progress.downloads = DownloadProgress(items: items)
        return try enter(&run, .outputsReady)
    }

    /// Hands a job whose outputs are ready to the workers (downloads are long; the poller stays free).
    func queueDownloads(_ run: inout JobRun) async throws {
        try await release(&run, to: .queued, after: .zero, stage: .downloading)
    }

    /// Downloads every file not downloaded yet. Ends in the verdict the downloads leave (their `outcome`, or
    /// `download_failed`), or in `putBack` while the outbox is full.
    func downloadOutputs(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let plan = run.progress.downloads else { return try enter(&run, .verdict(.succeeded, nil)) }
        try await save(&run, stage: .downloading)
        let downloader = client.fileDownloader(configuration: .init(maxBytes: options.downloadMaxBytes))
        for index in plan.items.indices where plan.items[index].done == nil {
            switch try await fetch(&run, index, downloader) {
            case .done:
                continue
            case .diskFull(let message):
                return try await waitForSpace(&run, message)
            case .failed(let message):
                removeTemporaryFiles(run)
                return try enter(&run, .verdict(.failed, .init(code: .downloadFailed, message: message)))
            }
        }
        run.progress.downloads?.diskFullSince = nil
        run.progress.downloads?.diskFullWaits = nil
        let outcome = run.progress.downloads?.outcome
        return try enter(&run, .verdict(outcome == nil ? .succeeded : .failed, outcome))
    }

    /// How one file's download ended.
    private enum FetchOutcome {
        case done
        case diskFull(String)
        case failed(String)
    }

    /// The temporary file of item `index` in the outbox (kept across crashes, to resume from).
    func temporaryPath(_ run: JobRun, _ item: DownloadProgress.Item) -> String {
        "\(profile(of: run).outbox)/" + FittedName.fit(run.job.sourceName, prefix: ".", suffix: "\(item.suffix).part-\(run.job.id.rawValue)")
    }

    /// Downloads item `index` into place, retrying as the retry policy says.
    private func fetch(_ run: inout JobRun, _ index: Int, _ downloader: FileDownloader) async throws -> FetchOutcome {
        guard var item = run.progress.downloads?.items[index] else { return .done }
        let logger = run.logger(self.logger).with("download", "\(item.kind.rawValue)")
        let temporary = temporaryPath(run, item)
        let opened: (descriptor: Int32, size: Int64)
        do {
            opened = try await BlockingIO.run { try OutboxFile.openTemporary(temporary) }
        } catch let failure as OutboxFile.Failure {
            return failure.diskFull ? .diskFull(failure.message) : .failed(failure.message)
        }
        var fd = opened.descriptor
        defer { if fd >= 0 { close(fd) } }
        var resume = opened.size
        let policy = options.retryPolicy
        let owner = item.videoID.map { "video \($0)" } ?? item.translationID.map { "translation \($0)" } ?? "the video"
        while true {
            try Task.checkCancellation()
            item.attempts += 1
            run.progress.downloads?.items[index] = item
            let (url, descriptor, from) = (item.url, fd, resume)
            let outcome: Result<DownloadResult, DownloadError>
            do {
                outcome = .success(try await heartbeat.remoteCall { () async throws(DownloadError) -> DownloadResult in
                    try await downloader.download(from: url, into: descriptor, resumeFrom: from)
                })
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let result):
                var name = item.suffix
                if item.kind == .thumbnail { name = DownloadProgress.thumbnailSuffix(firstBytes: result.firstBytes) }
                let outbox = profile(of: run).outbox
                let final = "\(outbox)/" + FittedName.fit(run.job.sourceName, suffix: name)
                let closing = fd
                fd = -1
                do {
                    try await BlockingIO.run { try OutboxFile.commit(closing, temporary: temporary, final: final, outbox: outbox) }
                } catch let failure as OutboxFile.Failure {
                    return failure.diskFull ? .diskFull(failure.message) : .failed(failure.message)
                }
                item.done = .init(kind: item.kind, path: final, sizeBytes: result.sizeBytes, sha256: result.sha256)
                run.progress.downloads?.items[index] = item
                run.progress.downloads?.diskFullSince = nil
                run.progress.downloads?.diskFullWaits = nil
                logger.info(
                    "downloaded \((final as NSString).lastPathComponent)",
                    metadata: ["bytes": "\(result.sizeBytes)", "resumed_from": "\(result.resumedFrom)"])
                try await save(&run, stage: .downloading)
                return .done
            case .failure(let error):
                if Task.isCancelled { throw CancellationError() }
                resume = error.bytesOnDisk
                switch error.kind {
                case .diskFull:
                    return .diskFull(error.message)
                case .tooLarge, .refused, .localFile:
                    return .failed("downloading the \(item.kind.rawValue) of \(owner) failed: \(error.message); it stays on HeyGen")
                case .linkExpired, .transient:
                    guard item.attempts < policy.maxAttempts else {
                        return .failed(
                            "downloading the \(item.kind.rawValue) of \(owner) failed \(item.attempts) times, the last: "
                                + "\(error.message); it stays on HeyGen")
                    }
                    if error.kind == .linkExpired {
                        logger.notice("the \(item.kind.rawValue) link expired; asking the API for a fresh one")
                        if let fresh = try await freshLink(&run, for: item) { item.url = fresh }
                    } else {
                        let ceiling = policy.backoffCeiling(afterAttempt: item.attempts)
                        var delay: Duration = ceiling > .zero ? .nanoseconds(Int64.random(in: 0...ceiling.nanoseconds)) : .zero
                        if let asked = error.retryAfter, asked > delay { delay = min(asked, policy.maxRetryAfter) }
                        logger.notice(
                            "download attempt \(item.attempts) failed (\(error)); trying again in \(Int(delay.seconds * 1000)) ms")
                        try await Task.sleep(for: delay)
                    }
                }
            }
        }
    }

    /// A fresh link for `item` from the API (its video's or translation's GET), also kept for the result;
    /// nil when the API gave none (the next attempt uses the old one, and counts).
    private func freshLink(_ run: inout JobRun, for item: DownloadProgress.Item) async throws -> String? {
        let client = self.client
        do {
            if let videoID = item.videoID {
                let video = try await remote { () async throws(HeyGenError) -> VideoStatus in try await client.video(id: videoID) }
                let links: [JobResult.Download.Kind: String?] = [
                    .video: video.videoURL, .captionedVideo: video.captionedVideoURL, .subtitles: video.subtitleURL,
                    .thumbnail: video.thumbnailURL,
                ]
                if video.videoURL != nil { run.progress.videoState?.videoURL = video.videoURL }
                if video.thumbnailURL != nil { run.progress.videoState?.thumbnailURL = video.thumbnailURL }
                return links[item.kind] ?? nil
            }
            if let translationID = item.translationID {
                let translation = try await remote { () async throws(HeyGenError) -> VideoTranslation in
                    try await client.videoTranslation(id: translationID)
                }
                translationRefreshed(&run, translation)
                switch item.kind {
                case .subtitles: return translation.srtCaptionURL
                case .captionsVTT: return translation.vttCaptionURL
                default: return translation.videoURL
                }
            }
        } catch let error as HeyGenError {
            run.logger(logger).notice("cannot get a fresh link: \(error)")
        }
        return nil
    }

    /// Waits for space on a full outbox: hands the job back, due after `diskFullRetry`, until
    /// `diskFullTimeout` has passed since the wait began; then fails it with `download_failed`, its temporary
    /// files removed.
    private func waitForSpace(_ run: inout JobRun, _ message: String) async throws -> JobLifecycle.Action {
        let since = run.progress.downloads?.diskFullSince ?? Date()
        run.progress.downloads?.diskFullSince = since
        let waited = Date().timeIntervalSince(since)
        if waited >= options.diskFullTimeout.seconds {
            removeTemporaryFiles(run)
            let minutes = Int((waited / 60).rounded())
            return try enter(
                &run,
                .verdict(
                    .failed,
                    .init(
                        code: .downloadFailed,
                        message: "the outbox \(profile(of: run).outbox) stayed full for \(minutes) minutes (\(message)); free space, "
                            + "then run `heygen-dropd retry \(run.job.id.rawValue)`")))
        }
        // Soon at first (space is often freed quickly), then every `diskFullRetry`.
        let waits = run.progress.downloads?.diskFullWaits ?? 0
        run.progress.downloads?.diskFullWaits = waits + 1
        let retry = min(options.diskFullRetry, .seconds(1 << min(waits, 20)))
        let reason = "the outbox is full (\(message)); waiting for free space, trying again in \(retry.components.seconds) s"
        run.logger(logger).warning("\(reason)")
        try await release(&run, to: .queued, after: retry, stage: .waitingForSpace, lastError: reason)
        return try enter(&run, .putBack)
    }

    /// Removes the temporary files of the downloads not finished (a job that gives up leaves none behind).
    func removeTemporaryFiles(_ run: JobRun) {
        for item in run.progress.downloads?.items ?? [] where item.done == nil {
            OutboxFile.remove(temporaryPath(run, item))
        }
    }

    /// The downloads the result lists: every file in place.
    func downloadedFiles(_ run: JobRun) -> [JobResult.Download] {
        run.progress.downloads?.items.compactMap(\.done) ?? []
    }
}

extension Logger {
    /// This logger with one more metadata entry.
    fileprivate func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = "\(value)"
        return copy
    }
}
