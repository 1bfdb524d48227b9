import Crypto
import Foundation
import HeyGenAPI
import SystemSupport

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
    /// Direct uploads by asset id, and the per-run secret their storage URLs are signed with.
    var directUploads: [String: DirectUploadRecord] = [:]
    let storageSecret: [UInt8] = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
    /// Video translations, by id.
    var translations: [String: SimulatedTranslation] = [:]
    /// The key signing the file URLs the simulator hands out.
    let fileSigningKey = SymmetricKey(size: .bits256)
    /// How much of the above is kept (see `prune`).
    var retention: SimulatorRetention
    /// When records were last pruned by age.
    var lastPrunedByAge = Date.distantPast

    init(faults: SimulatorFaults, retention: SimulatorRetention = SimulatorRetention()) {
        self.faults = faults
        self.retention = retention
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

    /// Sessions whose video is not finished yet, and translations not finished yet (what the concurrency
    /// limit counts).
    var videosInProgress: Int {
        sessions.values.filter { session in
            guard let videoID = session.videoID, let video = videos[videoID] else { return true }
            return video.outcome == nil
        }.count + translations.values.filter { $0.outcome == nil }.count
    }
}
