import DropQueue
import Foundation
import HeyGenAPI
import Logging
import SystemSupport

/// The direct upload of a file larger than `directUploadAboveBytes`: begin (in `uploading`), then the phases
/// `sending_direct` (`PUT` to storage), `completing_direct` (complete) and `awaiting_asset` (polled until
/// ready). Each step saves what it learned with the next phase before that step begins, so a restart goes on
/// from it: the `PUT` again while the URL is valid (else begun again), complete again (it is idempotent), or
/// the wait. The file's SHA-256 goes with the begin and is signed into the `PUT`, so storage keeps only the
/// bytes that were checked; the bytes come from the descriptor opened for the upload, never from the name.
extension Pipeline {
    /// The most direct uploads begun for one file in one run (a URL refused again and again fails the job).
    static let maxDirectBegins = 5

    /// Carries out one step of a direct upload: `putDirect`, `completeDirect` or `awaitAsset`.
    func directStep(_ action: JobLifecycle.Action, _ run: inout JobRun) async throws -> JobLifecycle.Action {
        switch action {
        case .putDirect: return try await putDirect(&run)
        case .completeDirect: return try await completeDirect(&run)
        case .awaitAsset: return try await awaitAsset(&run)
        default: throw LifecycleViolation(message: "\(action) is no step of a direct upload")
        }
    }

    /// Begins the direct upload of file `index` (`POST /v3/assets/direct-uploads` with its name, type, size and
    /// SHA-256). A file larger than the `max_bytes` answered, or one the API refuses as too large (413), fails as
    /// `too_large` with nothing sent. Ends in `directBegun`, saved with the grant.
    func beginDirect(_ run: inout JobRun, _ index: Int) async throws -> JobLifecycle.Action {
        let file = run.progress.files[index]
        guard let inspected = file.inspected else { throw SourceChanged() }
        let logger = run.logger(self.logger)
        let begins = (file.directBegins ?? 0) + 1
        guard begins <= Self.maxDirectBegins else {
            let message = "\(file.name): storage refused the direct upload \(Self.maxDirectBegins) times (its URL expired or "
                + "was refused each time); check the clock of this machine, then run `heygen-dropd retry \(run.job.id.rawValue)`"
            return try enter(&run, .verdict(.failed, .init(code: .rejected, message: message)))
        }
        try LeaseGuard.checkHeld()
        let grant: DirectUploadGrant
        do {
            grant = try await retried(&run) { client async throws(HeyGenError) -> DirectUploadGrant in
                try await client.beginDirectUpload(
                    filename: file.name, contentType: inspected.mediaType.mimeType, sizeBytes: inspected.sizeBytes,
                    checksumSHA256: inspected.sha256)
            }
        } catch let error as HeyGenError where error.httpStatus == 413 {
            let message = "\(file.name) is \(inspected.sizeBytes) bytes; the API refused it as too large: \(error.message)"
            return try enter(
                &run, .verdict(.failed, .init(code: .tooLarge, message: message, httpStatus: 413, requestID: error.requestID)))
        }
        if let maxBytes = grant.maxBytes, inspected.sizeBytes > maxBytes {
            logger.notice("larger than the API accepts; nothing sent", metadata: ["asset": "\(grant.assetID)", "max_bytes": "\(maxBytes)"])
            let message = "\(file.name) is \(inspected.sizeBytes) bytes; the API accepts at most \(maxBytes) bytes for it"
            return try enter(&run, .verdict(.failed, .init(code: .tooLarge, message: message)))
        }
        run.progress.files[index].directBegins = begins
        run.progress.files[index].direct = DirectUploadProgress(grant: grant, now: Date())
        logger.info(
            "direct upload begun",
            metadata: ["file": "\(file.name)", "asset": "\(grant.assetID)", "size": "\(inspected.sizeBytes)"])
        let next = try enter(&run, .directBegun)
        try await save(&run, stage: .uploading)
        return next
    }

    /// Sends the begun upload's bytes to storage (`PUT`, retried on 5xx and network failures), streamed from
    /// the file opened for it, which must still be the one checked. An expired URL, or one storage refuses
    /// (401/403), is begun again. Ends in `directSent` (saved), `directBeginAgain`, or `SourceChanged`.
    func putDirect(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let index = directFile(run, { !$0.sent }), let direct = run.progress.files[index].direct,
            let inspected = run.progress.files[index].inspected
        else {
            return try enter(&run, .directBeginAgain)
        }
        let name = run.progress.files[index].name
        let logger = run.logger(self.logger)
        let metadata: Logger.Metadata = ["file": "\(name)", "asset": "\(direct.assetID)"]
        guard direct.urlValid(at: Date()) else {
            logger.notice("the direct upload's URL has expired; beginning it again", metadata: metadata)
            run.progress.files[index].direct = nil
            return try enter(&run, .directBeginAgain)
        }
        // The name must still lead to the checked entry, unchanged; the bytes come from its descriptor.
        let entry = try await openForUpload(&run, index)
        try LeaseGuard.checkHeld()
        let source = UploadFile(descriptor: entry.descriptor, size: inspected.sizeBytes)
        do {
            try await retried(&run) { client async throws(HeyGenError) -> Void in
                try await client.putDirectUpload(url: direct.uploadURL, headers: direct.uploadHeaders, file: source)
            }
        } catch let error as HeyGenError where error.beginAgain {
            logger.notice("storage refused the upload URL; beginning it again", metadata: metadata.merging(["error": "\(error)"]) { a, _ in a })
            run.progress.files[index].direct = nil
            return try enter(&run, .directBeginAgain)
        } catch let error as HeyGenError where error.category == .unreadable {
            logger.notice("\(name) could not be read whole while it was sent: \(error.message)")
            throw SourceChanged()
        } catch let error as HeyGenError where error.category == .rejected {
            // Storage refuses bytes that differ from the SHA-256 given at begin: written in place meanwhile?
            if !(try await sourceUnchanged(&run)) { throw SourceChanged() }
            throw error
        }
        withExtendedLifetime(entry) {}
        run.progress.files[index].direct?.sent = true
        logger.info("direct upload sent", metadata: metadata)
        let next = try enter(&run, .directSent)
        try await save(&run, stage: .uploading)
        return next
    }

    /// Completes the upload storage accepted (`POST /v3/assets/{id}/complete` with the SHA-256; idempotent, so
    /// retried and repeated after a restart safely). An upload the API no longer knows (404) is begun again.
    /// Ends in `directCompleted` (saved with the asset's URL and type), or a `rejected` verdict when the asset
    /// already failed.
    func completeDirect(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let index = directFile(run, { $0.sent && $0.completedAt == nil }), let direct = run.progress.files[index].direct,
            let inspected = run.progress.files[index].inspected
        else {
            return try enter(&run, .directBeginAgain)
        }
        let name = run.progress.files[index].name
        let logger = run.logger(self.logger)
        let metadata: Logger.Metadata = ["file": "\(name)", "asset": "\(direct.assetID)"]
        try LeaseGuard.checkHeld()
        let completed: CompletedDirectUpload
        do {
            completed = try await retried(&run) { client async throws(HeyGenError) -> CompletedDirectUpload in
                try await client.completeDirectUpload(assetID: direct.assetID, checksumSHA256: inspected.sha256)
            }
        } catch let error as HeyGenError where error.category == .notFound {
            logger.notice("the API no longer knows the direct upload; beginning it again", metadata: metadata)
            run.progress.files[index].direct = nil
            return try enter(&run, .directBeginAgain)
        }
        if completed.status == "failed" {
            return try enter(&run, .verdict(.failed, .init(code: .rejected, message: Self.processingFailed(name, direct.assetID, nil))))
        }
        run.progress.files[index].direct?.completedAt = Date()
        run.progress.files[index].direct?.url = completed.asset.url.isEmpty ? nil : completed.asset.url
        run.progress.files[index].direct?.mimeType = completed.asset.mimeType.isEmpty ? nil : completed.asset.mimeType
        run.progress.files[index].direct?.ready = completed.isReady
        logger.info("direct upload completed", metadata: metadata.merging(["status": "\(completed.status)"]) { a, _ in a })
        let next = try enter(&run, .directCompleted)
        try await save(&run, stage: .uploading)
        return next
    }

    /// Waits until the completed upload's asset is ready: its status is polled (`assetPollInitial`, doubling up
    /// to `assetPollMax`) while `queued` or `processing`, for at most `assetReadyTimeout` after the complete
    /// (a restart does not start the wait over). A `failed` asset fails the job as `rejected`; one not ready in
    /// time as `server_error`. Ends in `assetReady`, saved with the file's asset (recorded for reuse).
    func awaitAsset(_ run: inout JobRun) async throws -> JobLifecycle.Action {
        guard let index = directFile(run, { $0.completedAt != nil }), let direct = run.progress.files[index].direct,
            let inspected = run.progress.files[index].inspected
        else {
            return try enter(&run, .assetReady)
        }
        let name = run.progress.files[index].name
        let logger = run.logger(self.logger)
        if !direct.ready {
            let waited = Date().timeIntervalSince(direct.completedAt ?? Date())
            let remaining = Duration.seconds(max(0, options.assetReadyTimeout.seconds - waited))
            let (client, initial, longest) = (self.client, options.assetPollInitial, options.assetPollMax)
            try LeaseGuard.checkHeld()
            do {
                _ = try await remote { () async throws(HeyGenError) -> AssetStatus in
                    try await client.waitForAsset(id: direct.assetID, timeout: remaining, initialInterval: initial, maxInterval: longest)
                }
            } catch let error as HeyGenError where error.category == .rejected && error.httpStatus == nil {
                // The asset ended `failed`: the API could not use the bytes.
                logger.warning("the uploaded asset failed processing", metadata: ["asset": "\(direct.assetID)", "error": "\(error)"])
                let message = Self.processingFailed(name, direct.assetID, error.message)
                return try enter(&run, .verdict(.failed, .init(code: .rejected, message: message)))
            }
        }
        let mimeType = direct.mimeType ?? inspected.mediaType.mimeType
        try await queue.recordAsset(
            AssetRecord(
                sha256: inspected.sha256, assetID: direct.assetID, url: direct.url ?? "", mimeType: mimeType,
                sizeBytes: inspected.sizeBytes, uploadedAt: Date()))
        run.progress.files[index].assetID = direct.assetID
        run.progress.files[index].url = direct.url
        run.progress.files[index].mimeType = mimeType
        run.progress.files[index].upload = .direct
        run.progress.files[index].direct = nil
        logger.info("uploaded", metadata: ["file": "\(name)", "asset": "\(direct.assetID)", "upload": "direct"])
        let next = try enter(&run, .assetReady)
        try await save(&run, stage: .uploading)
        return next
    }

    /// The first file with no asset yet whose direct upload is at the step `stage` accepts.
    private func directFile(_ run: JobRun, _ stage: (DirectUploadProgress) -> Bool) -> Int? {
        run.progress.files.indices.first { index in
            let file = run.progress.files[index]
            return file.assetID == nil && file.direct.map(stage) == true
        }
    }

    /// The result's message for an asset that failed processing.
    static func processingFailed(_ name: String, _ assetID: String, _ reason: String?) -> String {
        "\(name) was uploaded, but HeyGen could not process it (asset \(assetID) ended failed"
            + (reason.map { ": \($0)" } ?? "") + "); check that the file plays or opens, then drop it again"
    }
}
