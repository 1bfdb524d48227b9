import Foundation
import HeyGenAPI
import Logging

/// The parts of making a Video Agent session that keep a create from happening twice.
///
/// `POST /v3/video-agents` takes no Idempotency-Key: repeating it after the server received it makes (and
/// bills) a second video. So each create carries a `callback_id` unique to the job's run, the pipeline saves
/// "create sent" before sending, and when the outcome is unknown (a 5xx, a timeout, a cut connection, a crash)
/// the session is found by that `callback_id` in the account's session list instead of being created again.
enum AgentCreation {
    /// The `callback_id` a create carries: the one the job's `agent.json` gives (its owner's webhook relies on
    /// it), else `hgd-<job>-<run>-<8 random hex digits>`.
    static func callbackID(spec: VideoRequestSpec, job: Int64, run: Int) -> String {
        if let given = spec.extraFields["callback_id"]?.stringValue, !given.isEmpty { return given }
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "hgd-\(job)-\(run)-" + String(repeating: "0", count: 8 - random.count) + random
    }

    /// Whether a failed create proves that no session was made, so sending it again is safe: the server
    /// refused it (a 429, or another answer that is not retryable, like 400, 401, 402, 413), or the request
    /// never left (the connection was refused or not made). A request cut short by cancellation proves nothing.
    static func provesNothingCreated(_ error: HeyGenError) -> Bool {
        !error.isCancellation && (error.category == .rateLimited || error.notSent || !error.isRetryable)
    }

    /// What the account's session list says about a create whose outcome was unknown.
    enum Reconciliation {
        /// The session the create made.
        case adopt(VideoAgentSession)
        /// No session to adopt: fail the job with this message (an operator checks, then retries).
        case fail(String)
        /// The list could not be read; try again later.
        case listFailed(HeyGenError)
    }

    /// Looks for the session made by the create recorded in `sent`. Exactly one session with its `callback_id`
    /// since it was sent is adopted; with the daemon's own `callback_id` several (which it never makes) are
    /// settled by adopting the oldest. None, or several sharing an `agent.json`'s `callback_id`, fail the job
    /// with a message saying what to check. Throws `CancellationError` when the task is cancelled meanwhile.
    static func reconcile(
        _ sent: JobProgress.CreateSent, jobID: Int64, client: HeyGenClient, policy: RetryPolicy, logger: Logger
    ) async throws(CancellationError) -> Reconciliation {
        let found: [VideoAgentSession]
        do {
            found = try await client.videoAgentSessions(callbackID: sent.callbackID, since: sent.at, policy: policy)
        } catch {
            if error.isCancellation || Task.isCancelled { throw CancellationError() }
            return .listFailed(error)
        }
        let sentAt = Timestamp.rfc3339(sent.at)
        let ours = sent.callbackID.hasPrefix("hgd-\(jobID)-")
        switch found.count {
        case 1:
            return .adopt(found[0])
        case 0:
            return .fail(
                "a Video Agent create (callback_id \(sent.callbackID), sent \(sentAt)) got no usable answer and the "
                    + "account lists no session with that callback_id: check the HeyGen account's Video Agent sessions "
                    + "for it, then run `heygen-dropd retry \(jobID)` to create the video again if none exists")
        default:
            let ids = found.map(\.sessionID).joined(separator: ", ")
            if ours {
                let oldest = found.min { ($0.createdAt ?? .distantFuture) < ($1.createdAt ?? .distantFuture) } ?? found[0]
                logger.warning("several sessions carry this job's callback_id; adopting the oldest", metadata: ["sessions": "\(ids)"])
                return .adopt(oldest)
            }
            return .fail(
                "a Video Agent create (callback_id \(sent.callbackID), sent \(sentAt)) got no usable answer and "
                    + "\(found.count) sessions carry that callback_id (\(ids)), which the agent.json gives: check which one "
                    + "is this job's in the HeyGen account, then run `heygen-dropd retry \(jobID)` if none is")
        }
    }
}

/// Thrown when the server asks for a wait longer than a worker may sleep (`max_retry_after_seconds`): the
/// job goes back to the queue, due when the server said, instead of failing or holding a worker.
struct ServerAskedToWait: Error, CustomStringConvertible {
    /// The server's `Retry-After`.
    var wait: Duration
    /// The answer that asked for it.
    var error: HeyGenError

    var description: String { "\(error)" }
}
