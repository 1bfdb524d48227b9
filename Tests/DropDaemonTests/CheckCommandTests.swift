import DropDemo
import DropPipeline
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `heygen-dropd check` with the real binary against temp folders and the simulator.
@Suite("check", .serialized, .timeLimit(.minutes(5)))
struct CheckCommandTests {
    /// Gives the inbox a default ACL, as the README's install steps do; false when setfacl is missing.
    static func setDefaultACL(_ h: DaemonHarness) async throws -> Bool {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setfacl") else { return false }
        let result = try await runProcess("/usr/bin/setfacl", ["-d", "-m", "g::rwX", h.inbox])
        return result.status == 0
    }

    /// The lines of a check's output whose verdict is `verdict`.
    static func lines(_ output: String, _ verdict: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { $0.hasPrefix(verdict + " ") }
    }

    @Test("a good set-up is all OK, with the account's balance")
    func goodSetUp() async throws {
        try await DaemonHarness.with { h in
            let acl = try await Self.setDefaultACL(h)
            let result = try await h.command("check")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(Self.lines(result.stdout, "FAIL").isEmpty)
            for line in lines where !(line.contains("inbox ACL") && !acl) {
                #expect(line.hasPrefix("OK "), "\(line)")
            }
            for subject in ["settings", "inbox", "outbox", "archive", "failed", "state dir", "inbox and archive",
                "inbox and failed", "inotify limits", "database", "disk space of outbox", "disk space of state dir",
                "clock", "API key"]
            {
                #expect(lines.contains { $0.dropFirst(6).hasPrefix(subject + ":") }, "no line for \(subject)")
            }
            let key = try #require(lines.first { $0.contains("API key:") })
            #expect(key.contains("billing wallet"))
            #expect(key.contains("120.5 USD remaining"))
            #expect(!result.stdout.contains(h.apiKey))
        }
    }

    @Test("a missing folder fails, saying to create it")
    func missingFolder() async throws {
        try await DaemonHarness.with { h in
            try FileManager.default.removeItem(atPath: h.outbox)
            let result = try await h.command("check")
            #expect(result.status == 1)
            let failures = Self.lines(result.stdout, "FAIL")
            #expect(failures.contains { $0.contains("outbox: \(h.outbox) is missing: create it") }, "\(result.stdout)")
        }
    }

    @Test("a key the API refuses fails; the key is never shown")
    func badKey() async throws {
        try await DaemonHarness.with { h in
            h.simulator.updateFaults { $0.rejectedKeys = [h.apiKey] }
            let result = try await h.command("check")
            #expect(result.status == 1)
            let failures = Self.lines(result.stdout, "FAIL")
            #expect(failures.contains { $0.contains("API key: refused") && $0.contains("401") }, "\(result.stdout)")
            #expect(!result.stdout.contains(h.apiKey) && !result.stderr.contains(h.apiKey))
        }
    }

    @Test("no key fails with what to do")
    func noKey() async throws {
        try await DaemonHarness.with { h in
            let result = try await h.command("check", environment: ["HEYGEN_API_KEY": ""])
            #expect(result.status == 1)
            #expect(Self.lines(result.stdout, "FAIL").contains { $0.contains("API key: none set") }, "\(result.stdout)")
        }
    }

    @Test("little free disk under the threshold fails; close to it warns")
    func diskThreshold() async throws {
        try await DaemonHarness.with { h in
            let full = try await h.command("check", environment: ["HEYGEN_DROPD_MIN_FREE_DISK_MB": "90000000"])
            #expect(full.status == 1)
            let failures = Self.lines(full.stdout, "FAIL")
            #expect(failures.contains { $0.contains("disk space of outbox") && $0.contains("free some space") }, "\(full.stdout)")
            #expect(failures.contains { $0.contains("disk space of state dir") })

            var info = statvfs()
            #expect(statvfs(h.outbox, &info) == 0)
            let freeMB = Int64(info.f_bavail) * Int64(info.f_frsize) / 1_000_000
            let close = try await h.command("check", environment: ["HEYGEN_DROPD_MIN_FREE_DISK_MB": "\(freeMB * 3 / 4)"])
            #expect(Self.lines(close.stdout, "WARN").contains { $0.contains("disk space of outbox") && $0.contains("close to") }, "\(close.stdout)")
        }
    }

    @Test("settings that do not parse fail in one line")
    func badSettings() async throws {
        try await DaemonHarness.with { h in
            let result = try await h.command("check", environment: ["HEYGEN_DROPD_WORKERS": "many"])
            #expect(result.status == 1)
            #expect(result.stdout.hasPrefix("FAIL  settings: "), "\(result.stdout)")
        }
    }
}
