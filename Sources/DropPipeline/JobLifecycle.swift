/// Where a job is in its life, saved with its progress (`JobProgress.phase`), so a resumed job continues
/// from the step it stopped at. The raw values are stored; add a case for a new workflow step and give it its
/// rows in `JobLifecycle.transition(from:on:)`.
package enum JobPhase: String, Sendable, Codable, CaseIterable {
    /// The local checks of the source and its sidecars (nothing is uploaded before they all pass).
    case checking
    /// The checked files are being uploaded (or matched to earlier uploads).
    case uploading
    /// A direct upload is begun (asset id, upload URL and its expiry saved): its bytes are `PUT` to storage.
    case sendingDirect = "sending_direct"
    /// Storage accepted the direct upload's bytes: it is completed (idempotent).
    case completingDirect = "completing_direct"
    /// The direct upload is completed: its asset is polled until it is ready (or failed).
    case awaitingAsset = "awaiting_asset"
    /// Everything is uploaded; a Video Agent create waits for a free slot (or the API's video limit).
    case awaitingSlot = "awaiting_slot"
    /// Held by the spend guard: the profile's `max_videos_per_day` is reached; queued, due when the window frees
    /// (`JobProgress.heldUntil`). Everything is uploaded; nothing paid is started.
    case held
    /// "Create sent" is saved: a create may have reached the server. Never created again blindly; the session
    /// is adopted from the answer or found by its `callback_id`.
    case creatingVideo = "creating_video"
    /// The Video Agent session exists; the poller asks after its video.
    case waitingForVideo = "waiting_for_video"
    /// "Create sent" is saved for a video translation: never created again blindly; the translations are
    /// adopted from the answer or found by their `callback_id` (`Pipeline+Translation`).
    case creatingTranslation = "creating_translation"
    /// The translations exist; the poller asks after them (`Pipeline+TranslationPoll`).
    case waitingForTranslation = "waiting_for_translation"
    /// What HeyGen made is downloaded into the outbox (`Pipeline+Download`).
    case downloading
    /// The outcome is decided and saved with its plan: the result is written and the sources moved.
    case finishing
    /// Closed in the queue (succeeded or failed), or removed.
    case finished
}

/// The job lifecycle as a pure state machine: an event in, the new phase and the one action to carry out.
///
/// `Pipeline` carries out each action, which ends in the next event (or in the job handed back to the queue),
/// and feeds that event back. Nothing here does I/O; every row is in the transition table tests.
package enum JobLifecycle {
    /// What happened to a job.
    package enum Event: Equatable, Sendable {
        /// A worker claimed the job from `queued`: its kind, and whether it was started too often.
        case claimed(kind: JobKind?, overClaimLimit: Bool)
        /// The poller claimed the job from `waiting_video`.
        case pollDue
        /// The local checks passed: the files to upload are known.
        case checksPassed
        /// Every file is uploaded, and the sources are still the ones checked; `wantsVideo` when a sidecar
        /// asked for a Video Agent video.
        case uploadsDone(wantsVideo: Bool)
        /// A source changed between its checks and its upload (or while it was read).
        case sourceChanged
        /// A direct upload was begun for the next file to upload; the grant is saved.
        case directBegun
        /// Storage accepted the direct upload's bytes.
        case directSent
        /// The direct upload was completed.
        case directCompleted
        /// The direct upload's asset is ready; the file is uploaded.
        case assetReady
        /// The direct upload's URL expired or was refused: the upload is begun again.
        case directBeginAgain
        /// "Create sent" was saved, right before a Video Agent create.
        case createSent
        /// The spend guard refused the paid step: the profile's cap is reached until `JobProgress.heldUntil`.
        case spendCapReached
        /// A create failed in a way that proves nothing was created; "create sent" is cleared.
        case createNotReceived
        /// The Video Agent session is known: created, or adopted.
        case sessionKnown
        /// The video (or every translation) is finished and there are files to download.
        case outputsReady
        /// Every file is uploaded, the sources are unchanged, and a sidecar asked for a translation.
        case translationWanted
        /// "Create sent" was saved, right before a translation create.
        case translationCreateSent
        /// A translation create failed in a way that proves nothing was created; "create sent" is cleared.
        case translationCreateNotReceived
        /// Every language's translation is known: created, or adopted.
        case translationsKnown
        /// The step handed the job back to the queue itself, due later (no slot, a wait, a poll to repeat).
        case putBack
        /// The job's outcome: it succeeded, or failed with this error.
        case verdict(JobResult.Status, JobResult.ResultError?)
        /// The decided outcome and its plan are saved.
        case decided
        /// The result is written, the sources moved, and the job closed in the queue.
        case completed
        /// The job was removed without a result (a sidecar that moved with its file, or was taken away).
        case removed
    }

    /// What the pipeline does next.
    package enum Action: Equatable, Sendable {
        /// Fail an entry whose name is not valid UTF-8 (moved to failed/ by its raw bytes).
        case failUnreadableName
        /// Fail the job: it was started too often without finishing.
        case giveUp
        /// See whether a sidecar's file arrived (wait, remove, or fail it as an orphan).
        case checkOrphan
        /// Run the local checks.
        case check
        /// Upload what is not uploaded yet, then make sure the sources are still the ones checked.
        case upload
        /// `PUT` the begun direct upload's bytes (or begin again when its URL expired).
        case putDirect
        /// Complete the direct upload whose bytes storage accepted.
        case completeDirect
        /// Wait until the completed direct upload's asset is ready.
        case awaitAsset
        /// Create the Video Agent session, or adopt the one a create already sent made.
        case createVideo
        /// Hand the job back to the queue, held, due when the spend window frees (`JobProgress.heldUntil`).
        case hold
        /// Hand the job to the poller, due after the current poll delay.
        case waitForVideo
        /// Ask after the video once.
        case poll
        /// Hand a job with no session back to the workers, to create it.
        case returnToWorkers
        /// Hand a job with files to download to the workers.
        case queueDownload
        /// Create the translations not created yet, or adopt those a create already sent made.
        case createTranslation
        /// Hand the job to the poller, due after the current translation poll delay.
        case waitForTranslation
        /// Ask after the translations once.
        case pollTranslation
        /// Download what is not downloaded yet.
        case download
        /// Start the checks over (what was uploaded stays known by its SHA-256).
        case recheck
        /// Settle the outcome: build the result, plan the moves, save both.
        case decide(JobResult.Status, JobResult.ResultError?)
        /// Write the result, move the sources, close the job.
        case complete
        /// Nothing more in this claim.
        case stop
        /// The event cannot happen in this phase: a defect, reported and never acted on.
        case invalid(String)
    }

    /// The phase a job enters and the action to carry out.
    package struct Transition: Equatable, Sendable {
        package var phase: JobPhase
        package var action: Action
    }
}
