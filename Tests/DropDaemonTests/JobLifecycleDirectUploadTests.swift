import Testing

@testable import DropPipeline

/// The direct upload's rows of the job lifecycle table (`JobLifecycleTests` checks them with the others).
extension JobLifecycleTests {
    /// The phases of a direct upload's steps.
    static let directPhases: [JobPhase] = [.sendingDirect, .completingDirect, .awaitingAsset]

    /// The events only a direct upload gives.
    static let directEvents: [Event] = [.directBegun, .directSent, .directCompleted, .assetReady, .directBeginAgain]

    static let directRows: [Row] = {
        var rows: [Row] = []
        // A claim resumes the step the upload stopped at.
        for kind in [JobKind.file, .bundle, nil] {
            rows.append(Row(phase: .sendingDirect, event: claimed(kind), next: .sendingDirect, action: .putDirect))
            rows.append(Row(phase: .completingDirect, event: claimed(kind), next: .completingDirect, action: .completeDirect))
            rows.append(Row(phase: .awaitingAsset, event: claimed(kind), next: .awaitingAsset, action: .awaitAsset))
        }
        rows.append(Row(phase: .uploading, event: .directBegun, next: .sendingDirect, action: .putDirect))
        rows.append(Row(phase: .sendingDirect, event: .directSent, next: .completingDirect, action: .completeDirect))
        rows.append(Row(phase: .sendingDirect, event: .directBeginAgain, next: .uploading, action: .upload))
        rows.append(Row(phase: .sendingDirect, event: .sourceChanged, next: .checking, action: .recheck))
        rows.append(Row(phase: .completingDirect, event: .directCompleted, next: .awaitingAsset, action: .awaitAsset))
        rows.append(Row(phase: .completingDirect, event: .directBeginAgain, next: .uploading, action: .upload))
        rows.append(Row(phase: .awaitingAsset, event: .assetReady, next: .uploading, action: .upload))
        return rows
    }()

    @Test("a large file: begin, an expired URL begun again, PUT, a restart, complete, ready, through the machine")
    func directUploadPath() {
        var phase = JobPhase.checking
        var actions: [Action] = []
        for event: Event in [
            Self.claimed(.file), .checksPassed, .directBegun, .directBeginAgain, .directBegun, .putBack, Self.claimed(.file),
            .directSent, Self.claimed(.file), .directCompleted, .assetReady, .uploadsDone(wantsVideo: false), .decided,
            .completed,
        ] {
            let transition = JobLifecycle.transition(from: phase, on: event)
            phase = transition.phase
            actions.append(transition.action)
        }
        #expect(phase == .finished)
        #expect(
            actions == [
                .check, .upload, .putDirect, .upload, .putDirect, .stop, .putDirect, .completeDirect, .completeDirect,
                .awaitAsset, .upload, .decide(.succeeded, nil), .complete, .stop,
            ])
    }
}
