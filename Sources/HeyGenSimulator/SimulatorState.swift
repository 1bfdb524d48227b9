import Foundation
import HeyGenAPI

/// Everything the simulator remembers; guarded by the simulator's mutex.
struct SimulatorState: Sendable {
    var faults: SimulatorFaults
    var random: SeededGenerator
    var stats = SimulatorStats()
    var port: Int?
    var assets: [String: StoredAsset] = [:]
    var idempotency: [String: IdempotencyEntry] = [:]
    var sessions: [String: AgentSession] = [:]
    var videos: [String: SimulatedVideo] = [:]

    init(faults: SimulatorFaults) {
        self.faults = faults
        random = faults.seed.map(SeededGenerator.init(seed:)) ?? SeededGenerator()
    }

    /// Replaces the faults; restarts the random sequence from `faults.seed` when `reseed` is set.
    mutating func apply(_ newFaults: SimulatorFaults, reseed: Bool) {
        faults = newFaults
        if reseed, let seed = newFaults.seed { random = SeededGenerator(seed: seed) }
    }

    /// Draws a fault with probability `rate`, counting it under `kind` when it hits.
    mutating func inject(_ kind: String, rate: Double) -> Bool {
        guard random.chance(rate) else { return false }
        stats.faultsInjected[kind, default: 0] += 1
        return true
    }

    /// Sessions whose video is not finished yet (what the concurrency limit counts).
    var videosInProgress: Int {
        sessions.values.filter { session in
            guard let videoID = session.videoID, let video = videos[videoID] else { return true }
            return video.outcome == nil
        }.count
    }
}

/// An uploaded asset.
struct StoredAsset: Sendable {
    var id: String
    var mediaType: MediaType
    var sizeBytes: Int64
    var fileName: String?
}

/// What an `Idempotency-Key` stands for: a request still running, or the answer to replay.
enum IdempotencyEntry: Sendable {
    case inProgress
    case completed(StoredResponse, at: Date)
}

/// A response kept for idempotent replay.
struct StoredResponse: Sendable {
    var status: Int
    var body: [UInt8]
}

/// A Video Agent session and how far it has got.
struct AgentSession: Sendable {
    var id: String
    var createdAt: Date
    var polls = 0
    var pollsUntilVideoID: Int
    var pollsUntilCompleted: Int
    var videoID: String?
}

/// A video made by a session.
struct SimulatedVideo: Sendable {
    /// How a finished video ended.
    enum Outcome: Sendable { case completed, failed }

    var id: String
    var sessionID: String
    var createdAt: Date
    var polls = 0
    var pollsUntilCompleted: Int
    var outcome: Outcome?
}

/// Random identifiers such as `asset_3f9a…`; drawn from the system's random source so they
/// never shift the seeded fault sequence.
func makeIdentifier(_ prefix: String) -> String {
    var system = SystemRandomNumberGenerator()
    let high = UInt64.random(in: .min ... .max, using: &system)
    let low = UInt32.random(in: .min ... .max, using: &system)
    return prefix + String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(8)
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
