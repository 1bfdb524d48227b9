extension JobLifecycle {
    /// The rows of a direct upload's steps (`sending_direct`, `completing_direct`, `awaiting_asset`), nil for
    /// any other pair. Consulted after the general rows, so a claim over the limit, a sidecar's claim, the
    /// poller's claim, a hand-back and a verdict behave in these phases as in every other.
    static func directUploadTransition(from phase: JobPhase, on event: Event) -> Transition? {
        switch (phase, event) {
        case (.uploading, .directBegun):
            return Transition(phase: .sendingDirect, action: .putDirect)
        case (.sendingDirect, .claimed):
            // The URL is used again while it is valid; the step begins again otherwise.
            return Transition(phase: .sendingDirect, action: .putDirect)
        case (.sendingDirect, .directBeginAgain):
            return Transition(phase: .uploading, action: .upload)
        case (.sendingDirect, .sourceChanged):
            return Transition(phase: .checking, action: .recheck)
        case (.sendingDirect, .directSent):
            return Transition(phase: .completingDirect, action: .completeDirect)
        case (.completingDirect, .claimed):
            return Transition(phase: .completingDirect, action: .completeDirect)
        case (.completingDirect, .directBeginAgain):
            // The API no longer knows the upload: nothing of it can be used.
            return Transition(phase: .uploading, action: .upload)
        case (.completingDirect, .directCompleted):
            return Transition(phase: .awaitingAsset, action: .awaitAsset)
        case (.awaitingAsset, .claimed):
            return Transition(phase: .awaitingAsset, action: .awaitAsset)
        case (.awaitingAsset, .assetReady):
            // On to the job's next file (or the end of the uploads).
            return Transition(phase: .uploading, action: .upload)
        default:
            return nil
        }
    }
}
