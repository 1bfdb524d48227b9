import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing

/// Profiles (`profiles:` in the config file) with the real binary against the simulator: each inbox with its
/// own folders and Video Agent defaults, results that say their profile, and bad profile configs refused.
@Suite("Profiles", .serialized, .timeLimit(.minutes(10)))
struct ProfilesEndToEndTests {
    /// The agent requests the simulator received, by prompt.
    static func agentRequests(_ simulator: HeyGenSimulator) -> [String: [String: JSONValue]] {
        var byPrompt: [String: [String: JSONValue]] = [:]
        for body in simulator.stats.agentRequestBodies {
            if let object = body.objectValue, let prompt = object["prompt"]?.stringValue { byPrompt[prompt] = object }
        }
        return byPrompt
    }

    @Test("two profiles with their own folders and defaults; a profile prompt needs no sidecar; a sidecar wins")
    func twoProfiles() async throws {
        try await DaemonHarness.with { h in
            let explainers = h.root.file("explainers")
            let briefs = h.root.file("briefs")
            let config = try h.writeConfig(
                """
                profiles:
                  explainers:
                    inbox: \(explainers)/inbox
                    video_agent:
                      prompt: "Explain {stem} for {profile} ({name})"
                      avatar_id: avatar_e
                      orientation: portrait
                  briefs:
                    inbox: \(briefs)/drop
                    outbox: \(briefs)/results
                    archive: \(briefs)/done
                    failed: \(briefs)/bad
                    video_agent:
                      avatar_id: avatar_b
                      voice_id: voice_b
                      incognito_mode: true
                """)
            let daemon = try await h.startProfileDaemon(
                config: config, inboxes: ["\(explainers)/inbox", "\(briefs)/drop"])
            // No sidecar: the profile's prompt makes the video.
            try h.drop("report.pdf", SampleMedia.pdf(text: "Q3"), into: "\(explainers)/inbox")
            // A sidecar's fields win over the profile's; the profile's others stay.
            try h.drop("deck.pdf.agent.json", Data(#"{"prompt": "Our own words", "orientation": "landscape"}"#.utf8), into: "\(explainers)/inbox")
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("deck.pdf", SampleMedia.pdf(text: "deck"), into: "\(explainers)/inbox")
            // A profile without a prompt: a sidecar's prompt, with the profile's fields under it.
            try h.drop("memo.pdf.prompt", Data("Brief the memo.\n".utf8), into: "\(briefs)/drop")
            try await Task.sleep(for: .milliseconds(300))
            try h.drop("memo.pdf", SampleMedia.pdf(text: "memo"), into: "\(briefs)/drop")
            // And without one, no video.
            try h.drop("plain.pdf", SampleMedia.pdf(text: "plain"), into: "\(briefs)/drop")

            let explained = try await h.waitForResults(["report.pdf", "deck.pdf"], in: "\(explainers)/outbox")
            let briefed = try await h.waitForResults(["memo.pdf", "plain.pdf"], in: "\(briefs)/results")

            let report = try #require(explained["report.pdf"])
            #expect(report.status == "succeeded", "\(report.json)")
            #expect(report.json["profile"]?.string == "explainers")
            #expect(report.videoAgent?["prompt"]?.string == "Explain report for explainers (report.pdf)")
            #expect(report.json["source"]?["moved_to"]?.string == "\(explainers)/archive/report.pdf")
            let deck = try #require(explained["deck.pdf"])
            #expect(deck.json["profile"]?.string == "explainers")
            #expect(deck.videoAgent?["prompt"]?.string == "Our own words")
            let memo = try #require(briefed["memo.pdf"])
            #expect(memo.json["profile"]?.string == "briefs")
            #expect(memo.videoAgent?["prompt"]?.string == "Brief the memo.")
            #expect(memo.json["source"]?["moved_to"]?.string == "\(briefs)/done/memo.pdf")
            let plain = try #require(briefed["plain.pdf"])
            #expect(plain.json["profile"]?.string == "briefs")
            #expect(plain.videoAgent == nil)

            // What the simulator received: each profile's fields, the sidecar's over them.
            let requests = Self.agentRequests(h.simulator)
            #expect(requests.count == 3)
            let reportRequest = try #require(requests["Explain report for explainers (report.pdf)"])
            #expect(reportRequest["avatar_id"] == .string("avatar_e"))
            #expect(reportRequest["orientation"] == .string("portrait"))
            #expect(reportRequest["voice_id"] == nil)
            let deckRequest = try #require(requests["Our own words"])
            #expect(deckRequest["avatar_id"] == .string("avatar_e"))
            #expect(deckRequest["orientation"] == .string("landscape"))
            let memoRequest = try #require(requests["Brief the memo."])
            #expect(memoRequest["avatar_id"] == .string("avatar_b"))
            #expect(memoRequest["voice_id"] == .string("voice_b"))
            #expect(memoRequest["incognito_mode"] == .bool(true))
            #expect(memoRequest["orientation"] == nil)

            // Each inbox's sources went to its own archive; nothing crossed over.
            #expect(h.list("\(explainers)/archive") == ["deck.pdf", "deck.pdf.agent.json", "report.pdf"])
            #expect(h.list("\(briefs)/done") == ["memo.pdf", "memo.pdf.prompt", "plain.pdf"])
            #expect(h.list(h.outbox).isEmpty)

            // `jobs --profile` lists one profile's jobs; `status` counts them by profile.
            let listed = try await h.profileCommand("jobs", config: config, ["--profile", "briefs", "--json"])
            #expect(listed.status == 0)
            let jobs = try #require(try JSONNode.parse(Data(listed.stdout.utf8))["jobs"]?.array)
            #expect(Set(jobs.compactMap { $0["name"]?.string }) == ["memo.pdf", "plain.pdf"])
            #expect(jobs.allSatisfy { $0["profile"]?.string == "briefs" })
            let status = try await h.profileCommand("status", config: config, ["--json"])
            #expect(status.status == 0)
            let profiles = try JSONNode.parse(Data(status.stdout.utf8))["profiles"]
            #expect(profiles?["explainers"]?["succeeded"]?.number == 2)
            #expect(profiles?["briefs"]?["succeeded"]?.number == 2)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("the same name dropped in two profiles makes two jobs, one per profile")
    func sameNameInTwoProfiles() async throws {
        try await DaemonHarness.with { h in
            let config = try h.writeConfig(
                """
                profiles:
                  a:
                    inbox: \(h.root.file("a"))/inbox
                  b:
                    inbox: \(h.root.file("b"))/inbox
                """)
            let daemon = try await h.startProfileDaemon(
                config: config, inboxes: [h.root.file("a") + "/inbox", h.root.file("b") + "/inbox"])
            try h.drop("same.png", SampleMedia.bytes(.png), into: h.root.file("a") + "/inbox")
            try h.drop("same.png", SampleMedia.bytes(.png), into: h.root.file("b") + "/inbox")
            let a = try await h.waitForResults(["same.png"], in: h.root.file("a") + "/outbox")
            let b = try await h.waitForResults(["same.png"], in: h.root.file("b") + "/outbox")
            #expect(a["same.png"]?.json["profile"]?.string == "a")
            #expect(b["same.png"]?.json["profile"]?.string == "b")
            #expect(a["same.png"]?.json["job_id"]?.string != b["same.png"]?.json["job_id"]?.string)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("retry --all-failed --profile brings back one profile's failed sources, into that profile's inbox")
    func retryOneProfile() async throws {
        try await DaemonHarness.with { h in
            let (a, b) = (h.root.file("a"), h.root.file("b"))
            let config = try h.writeConfig(
                """
                profiles:
                  a:
                    inbox: \(a)/inbox
                  b:
                    inbox: \(b)/inbox
                """)
            let daemon = try await h.startProfileDaemon(config: config, inboxes: ["\(a)/inbox", "\(b)/inbox"])
            try h.drop("empty.png", Data(), into: "\(a)/inbox")
            try h.drop("empty.png", Data(), into: "\(b)/inbox")
            let failedA = try await h.waitForResults(["empty.png"], in: "\(a)/outbox")
            let failedB = try await h.waitForResults(["empty.png"], in: "\(b)/outbox")
            #expect(failedA["empty.png"]?.errorCode == "empty_file")
            #expect(failedB["empty.png"]?.errorCode == "empty_file")
            let retried = try await h.profileCommand("retry", config: config, ["--all-failed", "--profile", "b"])
            #expect(retried.status == 0, "\(retried.stderr)")
            #expect(retried.stdout.split(separator: "\n").count == 1, "\(retried.stdout)")
            #expect(retried.stdout.contains("returned to the inbox"))
            #expect(h.list("\(b)/inbox") == ["empty.png"])
            #expect(h.list("\(a)/failed") == ["empty.png"])
            #expect(h.list("\(a)/inbox").isEmpty)
            let mixed = try await h.profileCommand("retry", config: config, ["1", "--profile", "b"])
            #expect(mixed.status != 0)
            #expect(try await daemon.stop() == 0)
        }
    }
}
