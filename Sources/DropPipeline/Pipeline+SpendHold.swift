import DropQueue
import Foundation
import Logging
import SystemSupport

/// The spend guard: the phase `held`. A profile's `max_videos_per_day` counts Video Agent creates (and
/// translation languages) over a rolling window, in the queue, so it survives restarts; a paid step over it
/// waits, held, and goes on when the window frees. It never fails a job, and uploads are never held.
extension Pipeline {
    /// The spend ledger's step name of a Video Agent create.
    static let videoSpendStep = "video_agent"
    /// The spend ledger's step name of a job's translations (one unit per output language).
    static let translationSpendStep = "translation"

    /// Records `units` of the job's paid step against its profile's `cap`; nil when it may go ahead, else the
    /// time the window frees enough for it.
    func spendGuard(_ run: inout JobRun, cap: Int, units: Int, step: String = videoSpendStep) async throws -> Date? {
        let decision = try await queue.reserveSpend(
            job: run.job.id, run: run.progress.run, step: step, profile: run.job.profile, units: units, cap: cap,
            window: options.spendWindow)
        switch decision {
        case .allowed:
            run.progress.heldUntil = nil
            return nil
        case .held(let until):
            return until
        }
    }

    /// Hands the job back to the queue, held, due when the spend window frees (`heldUntil`).
    func holdForSpend(_ run: inout JobRun) async throws {
        let until = run.progress.heldUntil ?? Date().addingTimeInterval(60)
        let cap = profile(of: run).maxVideosPerDay.map(String.init) ?? "?"
        run.logger(logger).notice(
            "held: profile \(run.job.profile) reached max_videos_per_day (\(cap)); going on at \(Timestamp.rfc3339(until))")
        try await release(&run, to: .queued, after: .seconds(max(0, until.timeIntervalSinceNow)), stage: .held)
    }
}
