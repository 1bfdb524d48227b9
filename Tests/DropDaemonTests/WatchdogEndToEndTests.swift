import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// The real daemon's watchdog pings while its only job waits a long time on the API.
@Suite("watchdog end to end", .serialized)
struct WatchdogEndToEndTests {
    @Test("a slow API answer is progress: WATCHDOG=1 keeps coming while the upload waits", .timeLimit(.minutes(2)))
    func pingsDuringASlowUpload() async throws {
        try await DaemonHarness.with(faults: SimulatorFaults(latencyMs: 8000)) { h in
            let socket = try NotifySocket(h.root.file("notify.sock"))
            h.environment["NOTIFY_SOCKET"] = socket.environmentValue
            // Pings every 250 ms; a job in hand with no step for 500 ms (and no API call) would stop them.
            h.environment["WATCHDOG_USEC"] = "500000"
            h.environment["HEYGEN_DROPD_WORKERS"] = "1"
            let daemon = try await h.startDaemon()
            try h.drop("slow.png", SampleMedia.bytes(.png, seed: 21))
            let deadline = ContinuousClock.now + .seconds(30)
            while (h.simulator.stats.requests["POST /v3/assets"] ?? 0) < 1 {
                try #require(ContinuousClock.now < deadline, "the upload never started")
                try await Task.sleep(for: .milliseconds(10))
            }
            // The simulator holds the answer 8 s; a second into the wait (twice the window past the job's last
            // step), the pings must still go on.
            try await Task.sleep(for: .seconds(1))
            while socket.receiveNow() != nil {}
            try await Task.sleep(for: .seconds(2))
            var pings = 0
            while let message = socket.receiveNow() {
                if message == "WATCHDOG=1" { pings += 1 }
            }
            #expect(h.resultNames().isEmpty, "still uploading")
            #expect(pings >= 3, "WATCHDOG=1 sent \(pings) times in 2 s of waiting on the API")
            let results = try await h.waitForResults(["slow.png"])
            #expect(results["slow.png"]?.status == "succeeded")
            #expect(try await daemon.stop() == 0)
        }
    }
}
