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

/// The API key leaves the environment once read, and never goes over plain HTTP to another host.
@Suite("API key guard", .serialized)
struct APIKeyGuardTests {
    @Test("the running daemon's /proc/PID/environ does not hold the key, and the key still works", .timeLimit(.minutes(2)))
    func keyIsNotInTheEnvironment() async throws {
        try await DaemonHarness.with { h in
            h.apiKey = "sk-environ-probe-8c1f2a9d"
            let daemon = try await h.startDaemon()
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(daemon.pid)/environ"))
            let entries = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(entries.contains { $0.hasPrefix("HEYGEN_API_BASE_URL=") }, "the environment was read")
            #expect(!entries.contains { $0.contains("sk-environ-probe-8c1f2a9d") })
            #expect(environ.range(of: Data("sk-environ-probe-8c1f2a9d".utf8)) == nil)
            try h.drop("keyed.png", SampleMedia.bytes(.png, seed: 600))
            #expect(try await h.waitForResults(["keyed.png"])["keyed.png"]?.status == "succeeded")
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("https:// anywhere and http:// to loopback pass; http:// elsewhere does not")
    func transportRule() throws {
        for url in ["https://api.heygen.com", "http://127.0.0.1:8089", "http://127.1.2.3", "http://localhost:1", "http://[::1]:8089"] {
            #expect(throws: Never.self, "\(url)") { try APIKeyGuard.checkTransport(baseURL: url) }
        }
        for url in ["http://api.heygen.com", "http://0.0.0.0:80", "http://[::]:1", "http://localhost.evil.example", "HTTP://10.0.0.1"] {
            #expect(throws: SettingsError.self, "\(url)") { try APIKeyGuard.checkTransport(baseURL: url) }
        }
    }

    @Test("an http:// API base URL to a host that is not loopback is refused with one line")
    func plainHTTPIsRefused() async throws {
        try await DaemonHarness.with { h in
            for url in ["http://api.heygen.com", "http://10.1.2.3:8080", "http://127.evil.example"] {
                let run = try await h.command("run", environment: ["HEYGEN_API_BASE_URL": url])
                #expect(run.status == 1, "\(url)")
                #expect(run.stderr.hasPrefix("heygen-dropd: invalid setting api_base_url=\(url)"), "\(run.stderr)")
                #expect(run.stderr.contains("plain http://"))
                #expect(run.stderr.split(separator: "\n").count == 1)
                #expect(!run.stderr.contains(h.apiKey))
            }
            // Loopback over http (the simulator) is fine: localhost, 127.0.0.0/8.
            let daemon = try await h.startDaemon()
            #expect(try await daemon.stop() == 0)
        }
    }
}
