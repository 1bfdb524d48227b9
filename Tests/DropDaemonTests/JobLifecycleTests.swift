import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// Every transition of the job lifecycle, as a table: the phase, the event, the phase entered and the action.
/// Every pair of phase and event not in the table must be refused as invalid, leaving the phase as it was.
@Suite struct JobLifecycleTests {
    typealias Event = JobLifecycle.Event
    typealias Action = JobLifecycle.Action

    static let failure = JobResult.ResultError(code: .videoFailed, message: "video v-1 failed: no reason given")

    /// One row of the table.
    struct Row: CustomTestStringConvertible, Sendable {
        var phase: JobPhase
        var event: Event
        var next: JobPhase
        var action: Action
        var testDescription: String { "\(phase.rawValue) + \(event) -> \(next.rawValue), \(action)" }
    }

    static func claimed(_ kind: JobKind?, over: Bool = false) -> Event { .claimed(kind: kind, overClaimLimit: over) }

    /// The phases a job can be claimed in before it is finished.
    static let open: [JobPhase] = [
        .checking, .uploading, .awaitingSlot, .held, .creatingVideo, .waitingForVideo, .creatingTranslation, .waitingForTranslation,
        .downloading, .finishing,
    ] + directPhases
    /// The phases before the outcome.
    static let undecided: [JobPhase] = [
        .checking, .uploading, .awaitingSlot, .held, .creatingVideo, .waitingForVideo, .creatingTranslation, .waitingForTranslation,
        .downloading,
    ] + directPhases

    static let table: [Row] = {
        var rows: [Row] = []
        // An entry whose name is not valid UTF-8 fails whatever its phase says.
        for phase in open {
            rows.append(Row(phase: phase, event: claimed(.unreadableName), next: phase, action: .failUnreadableName))
            rows.append(Row(phase: phase, event: claimed(.unreadableName, over: true), next: phase, action: .failUnreadableName))
        }
        // A decided outcome is carried out first, whoever claims the job and however often it was claimed.
        for kind in [JobKind.file, .bundle, .sidecar, nil] {
            rows.append(Row(phase: .finishing, event: claimed(kind), next: .finishing, action: .complete))
            rows.append(Row(phase: .finishing, event: claimed(kind, over: true), next: .finishing, action: .complete))
        }
        rows.append(Row(phase: .finishing, event: .pollDue, next: .finishing, action: .complete))
        // Started too often without finishing: given up.
        for phase in undecided {
            for kind in [JobKind.file, .bundle, .sidecar, nil] {
                rows.append(Row(phase: phase, event: claimed(kind, over: true), next: phase, action: .giveUp))
            }
            rows.append(Row(phase: phase, event: claimed(.sidecar), next: phase, action: .checkOrphan))
        }
        // A worker's claim resumes the step the job stopped at.
        for kind in [JobKind.file, .bundle, nil] {
            rows.append(Row(phase: .checking, event: claimed(kind), next: .checking, action: .check))
            rows.append(Row(phase: .uploading, event: claimed(kind), next: .uploading, action: .upload))
            rows.append(Row(phase: .awaitingSlot, event: claimed(kind), next: .awaitingSlot, action: .upload))
            // Held by the spend guard: due again when the window frees, the uploads are verified, then the create.
            rows.append(Row(phase: .held, event: claimed(kind), next: .held, action: .upload))
            rows.append(Row(phase: .creatingVideo, event: claimed(kind), next: .creatingVideo, action: .upload))
            rows.append(Row(phase: .waitingForVideo, event: claimed(kind), next: .waitingForVideo, action: .waitForVideo))
            rows.append(Row(phase: .downloading, event: claimed(kind), next: .downloading, action: .download))
            rows.append(Row(phase: .creatingTranslation, event: claimed(kind), next: .creatingTranslation, action: .upload))
            rows.append(
                Row(phase: .waitingForTranslation, event: claimed(kind), next: .waitingForTranslation, action: .waitForTranslation))
        }
        // The poller's claim.
        rows.append(Row(phase: .waitingForVideo, event: .pollDue, next: .waitingForVideo, action: .poll))
        rows.append(Row(phase: .downloading, event: .pollDue, next: .downloading, action: .queueDownload))
        rows.append(Row(phase: .waitingForTranslation, event: .pollDue, next: .waitingForTranslation, action: .pollTranslation))
        for phase in [JobPhase.checking, .uploading, .awaitingSlot, .held, .creatingVideo, .creatingTranslation] + directPhases {
            rows.append(Row(phase: phase, event: .pollDue, next: phase, action: .returnToWorkers))
        }
        // Checks and uploads.
        rows.append(Row(phase: .checking, event: .checksPassed, next: .uploading, action: .upload))
        for phase in [JobPhase.checking, .uploading, .awaitingSlot, .held, .creatingVideo, .creatingTranslation] {
            rows.append(Row(phase: phase, event: .sourceChanged, next: .checking, action: .recheck))
        }
        for phase in [JobPhase.uploading, .awaitingSlot, .held] {
            rows.append(Row(phase: phase, event: .uploadsDone(wantsVideo: false), next: .finishing, action: .decide(.succeeded, nil)))
            rows.append(Row(phase: phase, event: .uploadsDone(wantsVideo: true), next: .awaitingSlot, action: .createVideo))
        }
        rows.append(Row(phase: .creatingVideo, event: .uploadsDone(wantsVideo: true), next: .creatingVideo, action: .createVideo))
        // The spend guard: over the profile's cap, the create waits, held.
        rows.append(Row(phase: .awaitingSlot, event: .spendCapReached, next: .held, action: .hold))
        // The Video Agent create.
        rows.append(Row(phase: .awaitingSlot, event: .createSent, next: .creatingVideo, action: .stop))
        rows.append(Row(phase: .creatingVideo, event: .createSent, next: .creatingVideo, action: .stop))
        rows.append(Row(phase: .creatingVideo, event: .createNotReceived, next: .awaitingSlot, action: .stop))
        rows.append(Row(phase: .creatingVideo, event: .sessionKnown, next: .waitingForVideo, action: .waitForVideo))
        // A retried job whose video exists (its downloads failed) goes back to waiting for it.
        rows.append(Row(phase: .awaitingSlot, event: .sessionKnown, next: .waitingForVideo, action: .waitForVideo))
        // The translation create: like the Video Agent's, "create sent" first.
        for phase in [JobPhase.uploading, .awaitingSlot, .held] {
            rows.append(Row(phase: phase, event: .translationWanted, next: .awaitingSlot, action: .createTranslation))
        }
        rows.append(Row(phase: .creatingTranslation, event: .translationWanted, next: .creatingTranslation, action: .createTranslation))
        for phase in [JobPhase.awaitingSlot, .creatingTranslation] {
            rows.append(Row(phase: phase, event: .translationCreateSent, next: .creatingTranslation, action: .stop))
            rows.append(Row(phase: phase, event: .translationsKnown, next: .waitingForTranslation, action: .waitForTranslation))
        }
        rows.append(Row(phase: .creatingTranslation, event: .translationCreateNotReceived, next: .awaitingSlot, action: .stop))
        // The downloads: handed to the workers once the video (or every translation) is finished.
        rows.append(Row(phase: .waitingForVideo, event: .outputsReady, next: .downloading, action: .queueDownload))
        rows.append(Row(phase: .waitingForTranslation, event: .outputsReady, next: .downloading, action: .queueDownload))
        // Handed back by the step itself: the phase stays.
        for phase in undecided {
            rows.append(Row(phase: phase, event: .putBack, next: phase, action: .stop))
        }
        // The outcome, from any phase before it.
        for phase in undecided {
            rows.append(Row(phase: phase, event: .verdict(.succeeded, nil), next: .finishing, action: .decide(.succeeded, nil)))
            rows.append(Row(phase: phase, event: .verdict(.failed, failure), next: .finishing, action: .decide(.failed, failure)))
        }
        rows.append(Row(phase: .finishing, event: .decided, next: .finishing, action: .complete))
        rows.append(Row(phase: .finishing, event: .completed, next: .finished, action: .stop))
        rows.append(Row(phase: .checking, event: .removed, next: .finished, action: .stop))
        return rows + directRows
    }()

    @Test("every transition of the table", arguments: JobLifecycleTests.table)
    func transition(_ row: Row) {
        let transition = JobLifecycle.transition(from: row.phase, on: row.event)
        #expect(transition == JobLifecycle.Transition(phase: row.next, action: row.action))
    }

    /// Every event, with a representative of each associated value.
    static let events: [Event] = {
        var events: [Event] = []
        for kind in [JobKind.file, .bundle, .sidecar, .unreadableName, nil] {
            events.append(claimed(kind))
            events.append(claimed(kind, over: true))
        }
        events += [
            .pollDue, .checksPassed, .uploadsDone(wantsVideo: false), .uploadsDone(wantsVideo: true), .sourceChanged,
            .createSent, .createNotReceived, .sessionKnown, .spendCapReached, .outputsReady, .translationWanted, .translationCreateSent,
            .translationCreateNotReceived, .translationsKnown, .putBack, .verdict(.succeeded, nil),
            .verdict(.failed, failure), .decided, .completed, .removed,
        ] + directEvents
        return events
    }()

    @Test("every pair of phase and event outside the table is invalid and leaves the phase as it is")
    func everythingElseIsInvalid() {
        var invalid = 0
        for phase in JobPhase.allCases {
            for event in Self.events where !Self.table.contains(where: { $0.phase == phase && $0.event == event }) {
                let transition = JobLifecycle.transition(from: phase, on: event)
                #expect(transition.phase == phase, "\(phase.rawValue) + \(event)")
                guard case .invalid = transition.action else {
                    Issue.record("\(phase.rawValue) + \(event) should be invalid, got \(transition.action)")
                    continue
                }
                invalid += 1
            }
        }
        // The table and the refusals together cover every pair.
        #expect(invalid + Self.table.count == JobPhase.allCases.count * Self.events.count)
    }

    @Test("a finished job takes no event")
    func finishedIsFinal() {
        for event in Self.events {
            guard case .invalid = JobLifecycle.transition(from: .finished, on: event).action else {
                Issue.record("finished + \(event) should be invalid")
                continue
            }
        }
    }

    @Test("a finished video's downloads: handed to the workers, downloaded, then decided")
    func videoWithDownloads() {
        var phase = JobPhase.waitingForVideo
        var actions: [Action] = []
        for event: Event in [.pollDue, .outputsReady, Self.claimed(.file), .putBack, .pollDue, Self.claimed(.file), .verdict(.succeeded, nil)] {
            let transition = JobLifecycle.transition(from: phase, on: event)
            phase = transition.phase
            actions.append(transition.action)
        }
        #expect(phase == .finishing)
        #expect(actions == [.poll, .queueDownload, .download, .stop, .queueDownload, .download, .decide(.succeeded, nil)])
    }

    @Test("a file job with a video, from claim to close, through the machine")
    func happyPathWithVideo() {
        var phase = JobPhase.checking
        var actions: [Action] = []
        for event: Event in [
            Self.claimed(.file), .checksPassed, .uploadsDone(wantsVideo: true), .createSent, .sessionKnown, .pollDue,
            .putBack, .pollDue, .verdict(.succeeded, nil), .decided, .completed,
        ] {
            let transition = JobLifecycle.transition(from: phase, on: event)
            phase = transition.phase
            actions.append(transition.action)
        }
        #expect(phase == .finished)
        #expect(
            actions == [
                .check, .upload, .createVideo, .stop, .waitForVideo, .poll, .stop, .poll, .decide(.succeeded, nil),
                .complete, .stop,
            ])
    }
}
