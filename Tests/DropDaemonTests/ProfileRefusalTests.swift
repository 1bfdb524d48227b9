import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `heygen-dropd run` refuses a bad `profiles:` config with one clear line and a non-zero exit.
@Suite("run refuses bad profiles", .timeLimit(.minutes(10)))
struct ProfileRefusalTests {
    /// Runs `run` with `yaml` as the config file; expects exit 1 and one line on stderr containing each of `wanted`.
    static func expectRefused(
        _ h: DaemonHarness, _ yaml: String, _ wanted: [String], extra: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let config = try h.writeConfig(yaml, name: "config-\(UUID().uuidString.prefix(6)).yaml")
        let outcome = try await h.profileCommand("run", config: config, extra)
        #expect(outcome.status == 1, "exit status for \(wanted)", sourceLocation: sourceLocation)
        let lines = outcome.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(outcome.stderr)", sourceLocation: sourceLocation)
        for text in wanted {
            #expect(outcome.stderr.contains(text), "\(text) in: \(outcome.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("overlapping folders, an unknown key, an unknown placeholder, top-level folders, no inbox: one line each")
    func refusals() async throws {
        try await DaemonHarness.with { h in
            let a = h.root.file("a")
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    inbox: \(a)/inbox
                  two:
                    inbox: \(a)/inbox/nested/inbox
                """, ["folders overlap", "profile two inbox", "profile one inbox"])
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    inbox: \(a)/inbox
                    colour: red
                """, ["profile one", "unknown setting \"colour\""])
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    inbox: \(a)/inbox
                    video_agent:
                      prompt: "A film about {title}"
                """, ["profile one", "{title}", "{name}, {stem}, {profile}"])
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    inbox: \(a)/inbox
                """, ["with profiles, the folders come from the profiles alone", "--inbox"], extra: ["--inbox", h.inbox])
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    outbox: \(a)/outbox
                """, ["profile one", "inbox is required"])
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    inbox: \(a)/drop
                """, ["profile one", "outbox is required"])
            try await Self.expectRefused(
                h,
                """
                profiles:
                  "bad name":
                    inbox: \(a)/inbox
                """, ["profile bad name", "letters, digits"])
        }
    }

    @Test("an archive on another file system than its inbox is refused in one line")
    func archiveOnAnotherFileSystem() async throws {
        try await DaemonHarness.with { h in
            // /dev/shm is a tmpfs on Linux: another file system than the test's temporary folder.
            var root = stat()
            var shm = stat()
            try #require(stat(h.root.path, &root) == 0 && stat("/dev/shm", &shm) == 0, "/dev/shm is needed")
            try #require(root.st_dev != shm.st_dev, "/dev/shm must be another file system than \(h.root.path)")
            let elsewhere = "/dev/shm/dropd-profile-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: elsewhere) }
            let a = h.root.file("a")
            try await Self.expectRefused(
                h,
                """
                profiles:
                  one:
                    inbox: \(a)/inbox
                    archive: \(elsewhere)/archive
                """, ["profile one", "archive \(elsewhere)/archive is on another file system than the inbox \(a)/inbox"])
        }
    }
}
