import DropSettings
import DropQueue
import Foundation
import HeyGenAPI
import InboxWatcher
import Logging
import SystemSupport

/// The checks and uploads: the phases `checking` and `uploading`.
extension Pipeline {
    /// The local checks of every file of the job and its sidecars; nothing is uploaded before they all pass.
    /// Every entry is opened once relative to the inbox descriptor and read through that descriptor only.
    /// Ends in `checksPassed` (saved with the files to upload); throws `LocalProblem` or `SourceChanged`.
    func check(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        let inbox = try await inboxFolder(&run)
        let (name, isBundle, logger) = (run.job.sourceName, run.job.jobKind == .bundle, run.logger(self.logger))
        let (maxBundleFiles, maxFileBytes, onStep) = (options.maxBundleFiles, options.maxFileBytes, heartbeat.stepper())
        let outcome = try await BlockingIO.local {
            SourceCheck.run(
                name: name, isBundle: isBundle, inbox: inbox, maxVideoFiles: Self.maxVideoFiles,
                maxBundleFiles: maxBundleFiles, maxFileBytes: maxFileBytes, logger: logger, onStep: onStep)
        }
        // The entries examined now are the ones that move with the job; any arriving later gets its own job.
        run.progress.checkedIdentity = outcome.main?.identity
        run.progress.sidecars = outcome.sidecars.map(\.name)
        run.progress.sidecarIdentities = Dictionary(outcome.sidecars.map { ($0.name, $0.identity) }, uniquingKeysWith: { a, _ in a })
        run.openFile = isBundle ? nil : outcome.main
        run.bundle = isBundle ? outcome.main : nil
        if let problem = outcome.problem { throw problem }
        let profile = profile(of: run)
        run.progress.video =
            outcome.translation != nil
            ? nil
            : try ProfileDefaults.video(
                sidecar: outcome.video, profile: profile, name: name, fileCount: outcome.files.count,
                maxVideoFiles: Self.maxVideoFiles)
        let translation = try ProfileDefaults.translation(
            sidecar: outcome.translation, profile: profile, name: name,
            mediaType: isBundle ? nil : outcome.files.first?.mediaType, video: run.progress.video)
        run.progress.translation = translation.map { TranslationProgress(spec: $0, keeping: run.progress.translation) }
        run.progress.files = outcome.files.map {
            JobProgress.FileProgress(name: $0.name, inspected: $0, mimeType: $0.mediaType.mimeType)
        }
        run.progress.checked = true
        let next = try enter(&run, .checksPassed)
        try await save(&run, stage: .uploading)
        // Just saved: the uploads' progress is saved again a second on at the earliest (a job of one small
        // file saves it with its outcome, one commit fewer).
        run.lastUploadSave = ContinuousClock.now
        return next
    }

    /// Starts the job's checks over (what was uploaded stays known by its SHA-256 for reuse).
    func recheck(_ run: inout JobRun) async throws {
        run.logger(logger).notice("changed since it was checked; checking it again")
        run.progress.checked = false
        run.progress.files = []
        run.openFile = nil
        run.bundle = nil
        try await release(&run, to: .queued, after: .seconds(1), stage: .uploading)
    }

    /// Uploads every file not uploaded yet, then makes sure the sources are still the ones checked: replaced,
    /// written or swapped since while they were uploaded, the job takes what is there now (`SourceChanged`).
    /// Ends in `uploadsDone`, or in `directBegun` when a file larger than `directUploadAboveBytes` is next (its
    /// steps are phases of their own; once its asset is ready the uploads go on here).
    func uploadAll(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        for index in run.progress.files.indices where run.progress.files[index].assetID == nil {
            if try await upload(&run, index) {
                return try await beginDirect(&run, index)
            }
        }
        // Once a Video Agent session exists the job keeps what it uploaded; a newer version is left for a job of its own.
        if run.progress.sessionID == nil, run.progress.translation?.languages.contains(where: { $0.id == nil }) != false {
            let unchanged = try await sourceUnchanged(&run)
            if !unchanged { throw SourceChanged() }
        }
        if run.progress.translation != nil { return try enter(&run, .translationWanted) }
        return try enter(&run, .uploadsDone(wantsVideo: run.progress.video != nil))
    }

    /// Uploads file `index` by `POST /v3/assets`, or reuses an earlier upload of its bytes; returns true, having
    /// done neither, when it goes up by the direct flow instead.
    private func upload(_ run: inout JobRun, _ index: Int) async throws -> Bool {
        let file = run.progress.files[index]
        guard let inspected = file.inspected else { return false }
        let notOlderThan = Date().addingTimeInterval(-options.reuseWindow.seconds)
        if let known = try await queue.asset(sha256: inspected.sha256, notOlderThan: notOlderThan) {
            run.progress.files[index].assetID = known.assetID
            run.progress.files[index].url = known.url
            run.progress.files[index].mimeType = known.mimeType
            run.progress.files[index].reused = true
            run.progress.files[index].upload = .reused
            run.logger(logger).info("reused earlier upload", metadata: ["file": "\(file.name)", "asset": "\(known.assetID)"])
            try await saveUploadProgress(&run)
            return false
        }
        if inspected.sizeBytes > options.directUploadAboveBytes { return true }
        guard let identity = inspected.identity else { throw SourceChanged() }
        let key = IdempotencyKey.upload(job: run.job.id, run: run.progress.run, sha256: inspected.sha256, identity: identity)
        let logger = run.logger(self.logger)
        // Its turn comes first (a slot free), then the last look at the source, then the request; the
        // local work after it is done with the slot given back.
        let asset = try await withRequestSlot { () async throws -> UploadedAsset in
            // The name must still lead to the checked entry, unchanged; the bytes come from its descriptor.
            let entry = try await openForUpload(&run, index)
            // A claim that lost its lease (or a shutdown) sends nothing more.
            try LeaseGuard.checkHeld()
            let progress = transfers.begin(
                job: run.job.id, step: "upload", name: file.name, total: inspected.sizeBytes, logger: logger)
            defer { transfers.end(job: run.job.id) }
            let source = UploadFile(descriptor: entry.descriptor, size: inspected.sizeBytes, progress: progress)
            do {
                let asset = try await retried(&run) { client async throws(HeyGenError) -> UploadedAsset in
                    try await client.uploadAsset(file: source, fileName: file.name, idempotencyKey: key)
                }
                withExtendedLifetime(entry) {}
                return asset
            } catch let error as HeyGenError where error.category == .unreadable {
                // It ended early or could not be read while it was sent: see what it is now.
                metrics.upload(path: "multipart", outcome: "failed")
                logger.notice("\(file.name) could not be read whole while it was uploaded: \(error.message)")
                throw SourceChanged()
            } catch {
                metrics.upload(path: "multipart", outcome: "failed")
                throw error
            }
        }
        metrics.upload(path: "multipart", outcome: "ok")
        metrics.uploadBytes(inspected.sizeBytes)
        guard asset.sentSHA256 == inspected.sha256 else {
            // The bytes sent are not the bytes checked (written in place meanwhile): that asset is never reused.
            logger.warning(
                "\(file.name) changed while it was uploaded; the asset is not used", metadata: ["asset": "\(asset.assetID)"])
            throw SourceChanged()
        }
        try await queue.recordAsset(
            AssetRecord(
                sha256: inspected.sha256, assetID: asset.assetID, url: asset.url, mimeType: asset.mimeType,
                sizeBytes: asset.sizeBytes, uploadedAt: Date()))
        run.progress.files[index].assetID = asset.assetID
        run.progress.files[index].url = asset.url
        run.progress.files[index].mimeType = asset.mimeType
        run.progress.files[index].upload = .multipart
        logger.info("uploaded", metadata: ["file": "\(file.name)", "asset": "\(asset.assetID)"])
        try await saveUploadProgress(&run)
        return false
    }

    /// Saves what the uploads learned at most once a second, so a bundle's saves do not grow with the square
    /// of its size; the steps after the uploads save it all. What is uploaded but not saved yet is found
    /// again after a crash: the asset table knows it by its SHA-256, and a repeated upload carries the same
    /// idempotency key.
    func saveUploadProgress(_ run: inout JobRun) async throws {
        let now = ContinuousClock.now
        if let last = run.lastUploadSave, last.duration(to: now) < .seconds(1) {
            heartbeat.beat()
            return
        }
        run.lastUploadSave = now
        try await save(&run, stage: .uploading)
    }
}
