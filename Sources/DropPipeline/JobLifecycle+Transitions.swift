extension JobLifecycle {
    /// The transition for `event` in `phase`. Pure: no I/O, no clock. An event that cannot happen in the
    /// phase leaves the phase as it is and answers `.invalid`.
    static func transition(from phase: JobPhase, on event: Event) -> Transition {
        switch (phase, event) {
        case (.finished, _):
            return invalid(phase, event)

        // A worker's claim: where the job stands decides the step.
        case (_, .claimed(kind: .some(.unreadableName), _)):
            return Transition(phase: phase, action: .failUnreadableName)
        case (.finishing, .claimed):
            return Transition(phase: .finishing, action: .complete)
        case (_, .claimed(_, overClaimLimit: true)):
            return Transition(phase: phase, action: .giveUp)
        case (_, .claimed(kind: .some(.sidecar), _)):
            return Transition(phase: phase, action: .checkOrphan)
        case (.checking, .claimed):
            return Transition(phase: .checking, action: .check)
        case (.uploading, .claimed), (.awaitingSlot, .claimed), (.creatingVideo, .claimed), (.creatingTranslation, .claimed),
            (.held, .claimed):
            // Uploads resume; once all are done the sources are verified again before any create.
            return Transition(phase: phase, action: .upload)
        case (.waitingForVideo, .claimed):
            return Transition(phase: .waitingForVideo, action: .waitForVideo)
        case (.downloading, .claimed):
            return Transition(phase: .downloading, action: .download)
        case (.waitingForTranslation, .claimed):
            return Transition(phase: .waitingForTranslation, action: .waitForTranslation)

        // The poller's claim.
        case (.finishing, .pollDue):
            return Transition(phase: .finishing, action: .complete)
        case (.waitingForVideo, .pollDue):
            return Transition(phase: .waitingForVideo, action: .poll)
        case (.downloading, .pollDue):
            return Transition(phase: .downloading, action: .queueDownload)
        case (.waitingForTranslation, .pollDue):
            return Transition(phase: .waitingForTranslation, action: .pollTranslation)
        case (_, .pollDue):
            return Transition(phase: phase, action: .returnToWorkers)

        // Checks and uploads.
        case (.checking, .checksPassed):
            return Transition(phase: .uploading, action: .upload)
        case (.checking, .sourceChanged), (.uploading, .sourceChanged), (.awaitingSlot, .sourceChanged),
            (.creatingVideo, .sourceChanged), (.creatingTranslation, .sourceChanged), (.held, .sourceChanged):
            return Transition(phase: .checking, action: .recheck)
        case (.uploading, .uploadsDone(wantsVideo: false)), (.awaitingSlot, .uploadsDone(wantsVideo: false)),
            (.held, .uploadsDone(wantsVideo: false)):
            return Transition(phase: .finishing, action: .decide(.succeeded, nil))
        case (.uploading, .uploadsDone(wantsVideo: true)), (.awaitingSlot, .uploadsDone(wantsVideo: true)),
            (.held, .uploadsDone(wantsVideo: true)):
            return Transition(phase: .awaitingSlot, action: .createVideo)
        case (.creatingVideo, .uploadsDone(wantsVideo: true)):
            return Transition(phase: .creatingVideo, action: .createVideo)

        // The spend guard: over the profile's cap, the paid step waits, held, until the window frees.
        case (.awaitingSlot, .spendCapReached):
            return Transition(phase: .held, action: .hold)

        // The Video Agent create.
        case (.awaitingSlot, .createSent), (.creatingVideo, .createSent):
            return Transition(phase: .creatingVideo, action: .stop)
        case (.creatingVideo, .createNotReceived):
            return Transition(phase: .awaitingSlot, action: .stop)
        case (.creatingVideo, .sessionKnown), (.awaitingSlot, .sessionKnown):
            return Transition(phase: .waitingForVideo, action: .waitForVideo)

        // The translation.
        case (.uploading, .translationWanted), (.awaitingSlot, .translationWanted), (.held, .translationWanted):
            return Transition(phase: .awaitingSlot, action: .createTranslation)
        case (.creatingTranslation, .translationWanted):
            return Transition(phase: .creatingTranslation, action: .createTranslation)
        case (.awaitingSlot, .translationCreateSent), (.creatingTranslation, .translationCreateSent):
            return Transition(phase: .creatingTranslation, action: .stop)
        case (.creatingTranslation, .translationCreateNotReceived):
            return Transition(phase: .awaitingSlot, action: .stop)
        case (.awaitingSlot, .translationsKnown), (.creatingTranslation, .translationsKnown):
            return Transition(phase: .waitingForTranslation, action: .waitForTranslation)
        case (.waitingForTranslation, .outputsReady):
            return Transition(phase: .downloading, action: .queueDownload)

        // The downloads.
        case (.waitingForVideo, .outputsReady):
            return Transition(phase: .downloading, action: .queueDownload)

        // Handed back to the queue by the step itself.
        case (.finishing, .putBack):
            return invalid(phase, event)
        case (_, .putBack):
            return Transition(phase: phase, action: .stop)

        // The outcome.
        case (.finishing, .verdict):
            return invalid(phase, event)
        case (_, .verdict(let status, let error)):
            return Transition(phase: .finishing, action: .decide(status, error))
        case (.finishing, .decided):
            return Transition(phase: .finishing, action: .complete)
        case (.finishing, .completed):
            return Transition(phase: .finished, action: .stop)
        case (.checking, .removed):
            return Transition(phase: .finished, action: .stop)

        default:
            return directUploadTransition(from: phase, on: event) ?? invalid(phase, event)
        }
    }

    private static func invalid(_ phase: JobPhase, _ event: Event) -> Transition {
        Transition(phase: phase, action: .invalid("the event \(event) cannot happen in the phase \(phase.rawValue)"))
    }
}
