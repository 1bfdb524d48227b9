import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import TestSupport
import Testing

/// The real daemon talking to systemd: notifications on a test socket, and JSON log lines.
@Suite("daemon under systemd", .serialized, .timeLimit(.minutes(10)))
struct DaemonSystemdTests {
    @Test("READY=1 once watching, STATUS= with the counts, WATCHDOG=1, STOPPING=1 on SIGTERM")
    func notifications() async throws {
        try await DaemonHarness.with { h in
            let socket = try NotifySocket(h.root.file("notify.sock"))
            h.environment["NOTIFY_SOCKET"] = socket.environmentValue
            h.environment["WATCHDOG_USEC"] = "400000"
            let daemon = try await h.startDaemon()
            var seen: [String] = []
            func collect(until predicate: (String) -> Bool) async throws -> Bool {
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline {
                    guard let message = try await socket.receive(within: .seconds(1)) else { continue }
                    seen.append(message)
                    if predicate(message) { return true }
                }
                return false
            }
            #expect(try await collect { $0 == "READY=1" })
            try h.drop("n.png", SampleMedia.bytes(.png, seed: 5))
            _ = try await h.waitForResults(["n.png"])
            #expect(try await collect { $0.hasPrefix("STATUS=") && $0.contains("succeeded 1") })
            #expect(try await collect { $0 == "WATCHDOG=1" })
            daemon.signal(SIGTERM)
            #expect(try await collect { $0 == "STOPPING=1" })
            #expect(try await daemon.waitForExit() == 0)
            #expect(seen.firstIndex(of: "READY=1")! < seen.firstIndex(of: "STOPPING=1")!)
        }
    }

    @Test("--log-format json writes one JSON object per line, with job and file")
    func jsonLogs() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_LOG_FORMAT"] = "json"
            h.environment["HEYGEN_DROPD_LOG_LEVEL"] = "info"
            let daemon = try await h.startDaemon()
            try h.drop("j.pdf", SampleMedia.pdf(text: "json"))
            _ = try await h.waitForResults(["j.pdf"])
            #expect(try await daemon.stop() == 0)
            let lines = daemon.logText.split(separator: "\n")
            #expect(!lines.isEmpty)
            var finished: JSONNode?
            for line in lines {
                let node = try JSONNode.parse(Data(line.utf8))
                #expect(node["time"]?.string != nil && node["level"]?.string != nil && node["message"]?.string != nil)
                if node["message"]?.string?.hasPrefix("job finished") == true { finished = node }
            }
            #expect(finished?["file"]?.string == "j.pdf")
            #expect(finished?["job"]?.string == "1")
        }
    }
}
