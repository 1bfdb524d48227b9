import DropQueue
import Foundation
import HeyGenAPI
import InboxWatcher
import Logging
import Synchronization

/// Carries jobs through their stages: local checks, uploads (or reuse), the Video Agent, the wait for the
/// video, then the result and the move of the sources.
///
/// Each step saves what it learned to the queue before the next begins, so a job interrupted at any point
/// (crash, `kill -9`, shutdown) resumes where it stopped. The order of the last effects makes a crash safe
/// there too: the outcome is saved, then the result written, then the sources moved, then the job closed.
final class Pipeline: Sendable {
    let options: PipelineOptions
    let queue: JobQueue
    let client: HeyGenClient
    let logger: Logger
    /// This process's name on the leases it takes.
    let owner: String
    let slots = VideoSlots()
    let writer: ResultWriter
    /// The time leases are measured on (steps of the wall clock do not expire them).
    let leaseClock: LeaseClock
    /// The workers' sign of life, for the systemd watchdog.
    let heartbeat = Heartbeat()
    /// The most files one Video Agent request may carry.
    static let maxVideoFiles = 20

    init(
        options: PipelineOptions, queue: JobQueue, client: HeyGenClient, owner: String,
        leaseClock: LeaseClock = LeaseClock(), logger: Logger
    ) {
        self.options = options
        self.leaseClock = leaseClock
        self.queue = queue
        self.client = client
        self.owner = owner
        self.logger = logger
        self.writer = ResultWriter(outbox: options.outbox)
    }

    // MARK: - Entry points

    /// Works on one job claimed from the `queued` state until it is finished, waiting for its video, or put back.
    func process(_ job: Job) async {
        var run = JobRun(job: job)
        await handleFailures(of: &run) { run in
            if job.kind == JobKind.unreadableName {
                try await self.failUnreadableName(&run)
            } else if run.progress.finish != nil {
                try await self.complete(&run)
            } else if job.claims > self.options.maxClaims {
                try await self.decide(
                    &run, .failed,
                    error: .init(code: .unreadable, message: "gave up on \(job.sourceName): it was started \(job.claims) times without finishing"))
            } else if job.kind == JobKind.sidecar {
                try await self.checkOrphan(&run)
            } else {
                try await self.work(&run)
            }
        }
    }

    /// Polls the video of one job claimed from the `waiting_video` state once, then finishes it or puts it back.
    func poll(_ job: Job) async {
        var run = JobRun(job: job)
        await handleFailures(of: &run) { run in
            if run.progress.finish != nil {
                try await self.complete(&run)
            } else {
                try await self.pollVideo(&run)
            }
        }
    }

    /// Runs `body`, turning what escapes it into the right queue transition.
    private func handleFailures(of run: inout JobRun, _ body: (inout JobRun) async throws -> Void) async {
        let logger = run.logger(self.logger)
        do {
            try await body(&run)
        } catch is CancellationError {
            // Shutdown, or a claim that may have lost its lease: leave the job queued, due at once, with
            // everything it learned (a release under a lost claim changes nothing).
            logger.notice("stopped; left queued with what it learned", metadata: ["stage": "\(run.stage ?? "-")"])
            try? release(&run, to: run.job.state, after: .zero, stage: run.stage)
        } catch let error as QueueError where error == .leaseLost {
            logger.error("lost the claim on this job: \(error)")
        } catch let error as QueueError {
            // A busy or failing database: hand the job back rather than hold it until its lease runs out.
            logger.error("queue error: \(error); will try again in 30 s")
            try? release(&run, to: run.job.state, after: .seconds(30), stage: run.stage, lastError: "\(error)")
        } catch {
            // Unexpected trouble (a full disk, a folder made read-only): try again later, keep the source.
            logger.error("\(error); will try again in 30 s")
            try? release(&run, to: run.job.state, after: .seconds(30), stage: run.stage, lastError: "\(error)")
        }
    }

    // MARK: - Files and bundles

    private func work(_ run: inout JobRun) async throws {
        if !run.progress.checked {
            do {
                try await check(&run)
            } catch let problem as LocalProblem {
                try await decide(&run, .failed, error: .init(code: problem.code, message: problem.message))
                return
            }
        }
        do {
            for index in run.progress.files.indices where run.progress.files[index].assetID == nil {
                try await upload(&run, index)
            }
        } catch is SourceChanged {
            try recheck(&run)
            return
        } catch let problem as LocalProblem {
            try await decide(&run, .failed, error: .init(code: problem.code, message: problem.message))
            return
        } catch let error as HeyGenError {
            try await decide(&run, .failed, error: resultError(error))
            return
        }
        do {
            guard let request = run.progress.video else {
                if changedSinceCheck(run) {
                    // A new file took the name while the old one was uploaded: this job takes the new one.
                    throw SourceChanged()
                }
                try await decide(&run, .succeeded, error: nil)
                return
            }
            if run.progress.sessionID == nil {
                guard try await createAgent(&run, request) else { return }
            }
            run.progress.waitStartedAt = run.progress.waitStartedAt ?? leaseClock.now()
            let delay = run.progress.pollDelaySeconds ?? options.videoPollInitial.seconds
            run.progress.pollDelaySeconds = delay
            try release(&run, to: .waitingVideo, after: .seconds(delay), stage: Stage.waitingVideo)
        } catch is SourceChanged {
            try recheck(&run)
        } catch let problem as LocalProblem {
            try await decide(&run, .failed, error: .init(code: problem.code, message: problem.message))
        } catch let error as HeyGenError {
            try await decide(&run, .failed, error: resultError(error))
        }
    }

    /// True when the job's file in the inbox is no longer the one its checks read (replaced, or written again).
    private func changedSinceCheck(_ run: JobRun) -> Bool {
        guard run.job.kind == JobKind.file, let checked = run.progress.checkedFingerprint else { return false }
        let path = "\(options.inbox)/\(run.job.sourceName)"
        return FileIO.exists(path) && sourceFingerprint(path: path) != checked
    }

    /// Starts the job's checks over (what was uploaded stays known by its SHA-256 for reuse).
    private func recheck(_ run: inout JobRun) throws {
        run.logger(logger).notice("changed since it was checked; checking it again")
        run.progress.checked = false
        run.progress.files = []
        try release(&run, to: .queued, after: .seconds(1), stage: Stage.uploading)
    }

    /// The local checks of every file of the job and its sidecars; nothing is uploaded before they all pass.
    private func check(_ run: inout JobRun) async throws {
        let name = run.job.sourceName
        let path = "\(options.inbox)/\(name)"
        var files: [InspectedFile] = []
        // The sidecars read now are the ones that move with the source; one arriving later gets its own job.
        run.progress.sidecars = Sidecars.besideNames(for: name, inbox: options.inbox)
        run.progress.checkedFingerprint = sourceFingerprint(path: path)
        if run.job.kind == JobKind.bundle {
            guard FileIO.kind(path) == .directory else {
                throw LocalProblem(.vanished, "bundle \(name) was removed from the inbox before it could be uploaded")
            }
            let names = try bundleFileNames(path, bundle: name)
            if names.isEmpty {
                throw LocalProblem(.emptyFile, "bundle \(name) holds no files to upload")
            }
            if names.count > options.maxBundleFiles {
                throw LocalProblem(
                    .rejected, "bundle \(name) holds \(names.count) files; at most \(options.maxBundleFiles) are accepted")
            }
            run.progress.video = try Sidecars.request(for: name, inbox: options.inbox, bundlePath: path)
            if run.progress.video != nil, names.count > Self.maxVideoFiles {
                throw LocalProblem(
                    .invalidSidecar,
                    "bundle \(name) holds \(names.count) files; a video can be made from at most \(Self.maxVideoFiles)")
            }
            for file in names {
                heartbeat.beat()
                do {
                    files.append(try await FileInspector.inspect(path: "\(path)/\(file)", name: file))
                } catch var problem as LocalProblem {
                    problem.message = "bundle \(name): \(problem.message)"
                    throw problem
                }
            }
        } else {
            files.append(try await FileInspector.inspect(path: path, name: name))
            run.progress.video = try Sidecars.request(for: name, inbox: options.inbox)
        }
        run.progress.files = files.map {
            JobProgress.FileProgress(name: $0.name, inspected: $0, mimeType: $0.mediaType.mimeType)
        }
        run.progress.checked = true
        try save(&run, stage: Stage.uploading)
    }

    /// The names of the files a bundle uploads: its top-level regular files, sidecars and ignored names left out.
    private func bundleFileNames(_ path: String, bundle: String) throws -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw LocalProblem(.unreadable, "cannot read bundle \(bundle): \(error.localizedDescription)")
        }
        return entries.sorted().filter { entry in
            guard !Sidecars.bundleFiles.contains(entry), !DropRules.isIgnoredName(entry) else { return false }
            switch FileIO.kind("\(path)/\(entry)") {
            case .file: return true
            default:
                logger.debug("bundle entry left alone", metadata: ["file": "\(bundle)/\(entry)"])
                return false
            }
        }
    }

    private func upload(_ run: inout JobRun, _ index: Int) async throws {
        let file = run.progress.files[index]
        guard let inspected = file.inspected else { return }
        let notOlderThan = Date().addingTimeInterval(-options.reuseWindow.seconds)
        if let known = try queue.asset(sha256: inspected.sha256, notOlderThan: notOlderThan) {
            run.progress.files[index].assetID = known.assetID
            run.progress.files[index].url = known.url
            run.progress.files[index].mimeType = known.mimeType
            run.progress.files[index].reused = true
            run.logger(logger).info("reused earlier upload", metadata: ["file": "\(file.name)", "asset": "\(known.assetID)"])
            try saveUploadProgress(&run)
            return
        }
        let path = run.job.kind == JobKind.bundle
            ? "\(options.inbox)/\(run.job.sourceName)/\(file.name)"
            : "\(options.inbox)/\(run.job.sourceName)"
        guard FileIO.kind(path) == .file else {
            throw LocalProblem(.vanished, "\(file.name) was removed from the inbox before it could be uploaded")
        }
        if changedSinceCheck(run) {
            // Replaced or still being written since it was checked: check it again before uploading.
            throw SourceChanged()
        }
        // A claim that lost its lease (or a shutdown) sends nothing more.
        try LeaseGuard.checkHeld()
        let key = IdempotencyKey.upload(job: run.job.id, run: run.progress.run, sha256: inspected.sha256)
        let counter = AttemptCounter()
        let client = self.client
        let asset: UploadedAsset
        do {
            asset = try await heartbeat.remoteCall { () async throws(HeyGenError) -> UploadedAsset in
                try await withRetries(options.retryPolicy, logger: run.logger(logger), onAttempt: { counter.increment() }) {
                    () async throws(HeyGenError) -> UploadedAsset in
                    try await client.uploadAsset(path: path, fileName: file.name, idempotencyKey: key)
                }
            }
        } catch {
            run.attempts += counter.value
            throw error
        }
        run.attempts += counter.value
        try queue.recordAsset(
            AssetRecord(
                sha256: inspected.sha256, assetID: asset.assetID, url: asset.url, mimeType: asset.mimeType,
                sizeBytes: asset.sizeBytes, uploadedAt: Date()))
        run.progress.files[index].assetID = asset.assetID
        run.progress.files[index].url = asset.url
        run.progress.files[index].mimeType = asset.mimeType
        run.logger(logger).info("uploaded", metadata: ["file": "\(file.name)", "asset": "\(asset.assetID)"])
        try saveUploadProgress(&run)
    }

    /// Saves what the uploads learned at most once a second, so a bundle's saves do not grow with the square
    /// of its size; the steps after the uploads save it all. What is uploaded but not saved yet is found
    /// again after a crash: the asset table knows it by its SHA-256, and a repeated upload carries the same
    /// idempotency key.
    private func saveUploadProgress(_ run: inout JobRun) throws {
        let now = ContinuousClock.now
        if let last = run.lastUploadSave, last.duration(to: now) < .seconds(1) {
            heartbeat.beat()
            return
        }
        run.lastUploadSave = now
        try save(&run, stage: Stage.uploading)
    }

    /// Creates the Video Agent session; false when the job was put back to wait for a free slot or the rate limit.
    private func createAgent(_ run: inout JobRun, _ spec: VideoRequestSpec) async throws -> Bool {
        let waiting = try queue.counts().byState[.waitingVideo] ?? 0
        guard slots.tryAcquire(waiting: waiting, limit: options.videoConcurrency) else {
            try release(&run, to: .queued, after: .seconds(2), stage: Stage.waitingSlot)
            return false
        }
        defer { slots.release() }
        // A claim that lost its lease (or a shutdown) sends nothing more.
        try LeaseGuard.checkHeld()
        let request = VideoAgentRequest(
            prompt: spec.prompt, assetIDs: run.progress.files.compactMap(\.assetID), extraFields: spec.extraFields)
        let counter = AttemptCounter()
        let client = self.client
        do {
            let session = try await heartbeat.remoteCall { () async throws(HeyGenError) -> VideoAgentSession in
                try await withRetries(options.retryPolicy, logger: run.logger(logger), onAttempt: { counter.increment() }) { () async throws(HeyGenError) -> VideoAgentSession in
                    try await client.createVideoAgent(request)
                }
            }
            run.attempts += counter.value
            run.progress.sessionID = session.sessionID
            run.progress.videoID = session.videoID
            run.progress.videoState = .init(status: session.status)
            run.logger(logger).info("video agent started", metadata: ["session": "\(session.sessionID)"])
            try save(&run, stage: Stage.waitingVideo)
            return true
        } catch let error as HeyGenError where error.category == .rateLimited {
            // The API's video limit: wait as long as it asks, rather than failing the job.
            run.attempts += counter.value
            let wait = error.retryAfter ?? .seconds(30)
            run.logger(logger).notice("video limit reached; trying again in \(wait)")
            try release(&run, to: .queued, after: wait, stage: Stage.waitingSlot, lastError: error.description)
            return false
        } catch {
            run.attempts += counter.value
            throw error
        }
    }

    // MARK: - Waiting for the video

    private func pollVideo(_ run: inout JobRun) async throws {
        guard let sessionID = run.progress.sessionID else {
            // Nothing to wait for: go back and create the session.
            try release(&run, to: .queued, after: .zero, stage: Stage.uploading)
            return
        }
        // Measured on the lease clock, so a step of the wall clock does not time every video out at once.
        let started = run.progress.waitStartedAt ?? leaseClock.now()
        run.progress.waitStartedAt = started
        if leaseClock.now().timeIntervalSince(started) > options.videoTimeout.seconds {
            let minutes = Int(options.videoTimeout.seconds / 60)
            try await decide(
                &run, .failed,
                error: .init(code: .videoTimeout, message: "no finished video after \(minutes) minutes of waiting"))
            return
        }
        do {
            if run.progress.videoID == nil {
                let session = try await heartbeat.remoteCall { () async throws(HeyGenError) -> VideoAgentSession in
                    try await client.videoAgentSession(id: sessionID)
                }
                if session.status == "failed" {
                    run.progress.videoState = .init(status: "failed")
                    try await decide(
                        &run, .failed, error: .init(code: .videoFailed, message: "the Video Agent session \(sessionID) failed"))
                    return
                }
                run.progress.videoID = session.videoID
                if run.progress.videoState?.status != "completed" {
                    run.progress.videoState = .init(status: session.status)
                }
            }
            if let videoID = run.progress.videoID {
                let video = try await heartbeat.remoteCall { () async throws(HeyGenError) -> VideoStatus in
                    try await client.video(id: videoID)
                }
                run.progress.videoState = .init(
                    status: video.status, videoURL: video.videoURL, thumbnailURL: video.thumbnailURL,
                    duration: video.duration, failureCode: video.failureCode, failureMessage: video.failureMessage)
                switch video.status {
                case "completed":
                    try await decide(&run, .succeeded, error: nil)
                    return
                case "failed":
                    let reason = video.failureMessage ?? video.failureCode ?? "no reason given"
                    try await decide(&run, .failed, error: .init(code: .videoFailed, message: "video \(videoID) failed: \(reason)"))
                    return
                default:
                    break
                }
            }
        } catch let error as HeyGenError where error.isRetryable || error.category == .notFound || error.httpStatus == 200 {
            // Sessions are known to 404 now and then, and a 200 can carry an error: wait and ask again.
            run.logger(logger).debug("video poll did not answer: \(error)")
        } catch let error as HeyGenError {
            try await decide(&run, .failed, error: resultError(error))
            return
        }
        let delay = run.progress.pollDelaySeconds ?? options.videoPollInitial.seconds
        run.progress.pollDelaySeconds = min(delay * 1.5, options.videoPollMax.seconds)
        try release(&run, to: .waitingVideo, after: .seconds(delay), stage: Stage.waitingVideo)
    }

    // MARK: - Sidecars without a file

    private func checkOrphan(_ run: inout JobRun) async throws {
        let name = run.job.sourceName
        guard FileIO.kind("\(options.inbox)/\(name)") != nil else {
            // It moved with its file, or was taken away: nothing to report.
            try queue.delete(run.job.id)
            return
        }
        let target = DropRules.sidecarTarget(of: name)?.target ?? name
        let targetActive = try queue.activeJob(sourceName: target) != nil
        if targetActive || FileIO.exists("\(options.inbox)/\(target)") {
            try release(&run, to: .queued, after: options.orphanSidecarTimeout, stage: Stage.waitingFile)
            return
        }
        let minutes = max(1, Int((options.orphanSidecarTimeout.seconds / 60).rounded()))
        try await decide(
            &run, .failed,
            error: .init(code: .orphanSidecar, message: "\(name): its file \(target) did not arrive within \(minutes) minutes"))
    }

    // MARK: - Finishing

    /// Settles the job's outcome: builds the result, plans the moves, saves both, then completes.
    private func decide(_ run: inout JobRun, _ status: JobResult.Status, error: JobResult.ResultError?) async throws {
        // A request cut short by shutdown is no verdict on the job: leave it for the next start.
        try Task.checkCancellation()
        let name = run.job.sourceName
        let folder = status == .succeeded ? options.archive : options.failed
        let companions =
            run.job.kind == JobKind.sidecar
            ? [] : (run.progress.sidecars ?? Sidecars.besideNames(for: name, inbox: options.inbox))
        let moves = SourceMover.plan(main: name, companions: companions, inbox: options.inbox, to: folder)
        let result = JobResult(
            jobID: "\(run.job.id.rawValue)",
            status: status,
            source: .init(
                name: name, kind: run.job.kind == JobKind.bundle ? .bundle : .file,
                movedTo: FileIO.exists(moves[0].from) ? moves[0].to : nil),
            assets: run.progress.files.map {
                JobResult.Asset(
                    name: $0.name, sha256: $0.inspected?.sha256, sizeBytes: $0.inspected?.sizeBytes,
                    mimeType: $0.mimeType ?? $0.inspected?.mediaType.mimeType, assetID: $0.assetID, url: $0.url,
                    reused: $0.reused)
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
        run.progress.finish = .init(result: result, moves: moves)
        try save(&run, stage: Stage.finishing)
        try await complete(&run)
    }

    /// Writes the decided result, moves the sources, and closes the job. Safe to repeat after a crash.
    private func complete(_ run: inout JobRun) async throws {
        guard var plan = run.progress.finish else { return }
        var moved = false
        for _ in 0..<10 {
            try writer.write(plan.result)
            if try SourceMover.execute(plan.moves) == .done {
                moved = true
                break
            }
            // Something took a destination name meanwhile: choose new names and rewrite the result.
            let folder = plan.result.status == .succeeded ? options.archive : options.failed
            let names = plan.moves.map { ($0.from as NSString).lastPathComponent }
            let main = run.job.sourceName
            plan.moves = SourceMover.plan(
                main: main, companions: names.filter { $0 != main }, inbox: options.inbox, to: folder)
            if plan.result.source.movedTo != nil { plan.result.source.movedTo = plan.moves[0].to }
            run.progress.finish = plan
            try save(&run, stage: Stage.finishing)
        }
        guard moved else {
            throw FileIOError("cannot move the sources of \(run.job.sourceName): their destination names keep being taken")
        }
        // Sidecars that moved with their file no longer wait to be reported as orphans.
        for move in plan.moves.dropFirst() {
            let name = (move.from as NSString).lastPathComponent
            if let waiting = try queue.activeJob(sourceName: name), waiting.kind == JobKind.sidecar {
                try queue.delete(waiting.id)
            }
        }
        let state: JobState = plan.result.status == .succeeded ? .succeeded : .failed
        heartbeat.beat()
        try queue.finish(
            run.job.id, token: run.token, as: state, stage: nil, progress: run.progress.encoded(), attempts: run.attempts,
            lastError: plan.result.error.map { "\($0.code.rawValue): \($0.message)" })
        // Something new under the same name (dropped while this job ran) gets a job of its own.
        let leftover = "\(options.inbox)/\(run.job.sourceName)"
        if run.job.kind != JobKind.sidecar, let fingerprint = sourceFingerprint(path: leftover) {
            let kind = FileIO.kind(leftover) == .directory ? JobKind.bundle : JobKind.file
            _ = try? queue.enqueue(NewJob(sourceName: run.job.sourceName, kind: kind, fingerprint: fingerprint, notBefore: nil))
        }
        var metadata: Logger.Metadata = ["status": "\(plan.result.status.rawValue)"]
        if let error = plan.result.error { metadata["error"] = "\(error.code.rawValue)" }
        if let video = plan.result.videoAgent?.videoURL { metadata["video_url"] = "\(video)" }
        let level: Logger.Level = state == .succeeded ? .info : .warning
        run.logger(logger).log(level: level, "job finished\(plan.result.error.map { ": \($0.message)" } ?? "")", metadata: metadata)
    }

    // MARK: - Queue transitions

    func save(_ run: inout JobRun, stage: String) throws {
        run.stage = stage
        heartbeat.beat()
        try queue.save(run.job.id, token: run.token, stage: stage, progress: run.progress.encoded(), attempts: run.attempts)
    }

    func release(
        _ run: inout JobRun, to state: JobState, after delay: Duration, stage: String?, lastError: String? = nil
    ) throws {
        run.stage = stage
        let state: JobState = state == .waitingVideo ? .waitingVideo : .queued
        heartbeat.beat()
        try queue.release(
            run.job.id, token: run.token, to: state, nextAttemptAt: Date().addingTimeInterval(delay.seconds), stage: stage,
            progress: run.progress.encoded(), attempts: run.attempts, lastError: lastError)
    }

    private func resultError(_ error: HeyGenError) -> JobResult.ResultError {
        .init(code: FailureCode(error), message: error.message, httpStatus: error.httpStatus, requestID: error.requestID)
    }
}

/// One job being worked on: the claimed record and what has been learned since.
struct JobRun {
    let job: Job
    var progress: JobProgress
    var attempts: Int
    var stage: String?
    /// The lease token of the claim this run works under.
    let token: String
    /// When upload progress was last saved (saves during uploads are coalesced).
    var lastUploadSave: ContinuousClock.Instant?

    init(job: Job) {
        self.job = job
        self.token = job.leaseToken ?? ""
        self.progress = JobProgress.decode(job.progress)
        self.attempts = job.attempts
        self.stage = job.stage
    }

    /// The logger with this job's metadata.
    func logger(_ base: Logger) -> Logger {
        var logger = base
        logger[metadataKey: "job"] = "\(job.id.rawValue)"
        logger[metadataKey: "file"] = "\(job.sourceName)"
        return logger
    }
}

/// Thrown when a file changed between its checks and its upload.
struct SourceChanged: Error {}

/// The kinds of job the daemon puts in the queue.
enum JobKind {
    /// A dropped regular file.
    static let file = "file"
    /// A dropped directory.
    static let bundle = "bundle"
    /// A sidecar waiting for its file; fails with `orphan_sidecar` when the file never comes.
    static let sidecar = "sidecar"
    /// An entry whose name is not valid UTF-8; its source name is the name's `NameRendering`. It fails as
    /// `rejected` and moves to failed/.
    static let unreadableName = "unreadable_name"
}

/// The stage labels shown by `jobs` and `status`.
enum Stage {
    static let uploading = "uploading"
    static let waitingSlot = "waiting_for_video_slot"
    static let waitingVideo = "waiting_for_video"
    static let waitingFile = "waiting_for_file"
    static let finishing = "finishing"
}

/// Counts API requests made by one retried call.
final class AttemptCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
