import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Video translation as a second workflow (`NAME.translate.json`): the real binary against the simulator.
@Suite("Translations", .serialized, .timeLimit(.minutes(10)))
struct TranslationWorkflowTests {
    static let sidecar = #"{"output_languages": ["Spanish (Spain)", "German"], "title": "Town hall"}"#

    /// Drops `talk.mp4` with its translate sidecar.
    static func dropTalk(_ h: DaemonHarness, sidecar: String = TranslationWorkflowTests.sidecar) throws {
        try h.drop("talk.mp4.translate.json", Data(sidecar.utf8))
        try h.drop("talk.mp4", SampleMedia.bytes(.mp4, seed: 77))
    }

    /// Waits until `talk.mp4.json` exists with `status`, then reads it.
    static func waitForResult(_ h: DaemonHarness, status: String) async throws -> ResultFile {
        try await eventually("the result says \(status)") {
            let result = try ResultFile(path: "\(h.outbox)/talk.mp4.json")
            return result.status == status ? result : nil
        }
    }

    @Test("a translation into two languages: two translated videos in the outbox, both in translations[]")
    func twoLanguages() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            try Self.dropTalk(h)
            let result = try #require(try await h.waitForResults(["talk.mp4"])["talk.mp4"])
            #expect(result.status == "succeeded")
            #expect(result.videoAgent == nil)
            let translations = try #require(result.json["translations"]?.array)
            #expect(translations.map { $0["language"]?.string } == ["Spanish (Spain)", "German"])
            #expect(translations.map { $0["output_language"]?.string } == ["es-ES", "de-DE"])
            #expect(translations.allSatisfy { $0["status"]?.string == "completed" && $0["video_translation_id"]?.string != nil })
            let downloads = try #require(result.json["downloads"]?.array)
            #expect(downloads.count == 2)
            try DownloadWorkflowTests.checkDownload(downloads[0], kind: "video", path: "\(h.outbox)/talk.mp4.es-ES.mp4")
            try DownloadWorkflowTests.checkDownload(downloads[1], kind: "video", path: "\(h.outbox)/talk.mp4.de-DE.mp4")
            #expect(translations[0]["downloads"]?.array?.first?["path"]?.string == "\(h.outbox)/talk.mp4.es-ES.mp4")
            #expect(translations[1]["downloads"]?.array?.first?["path"]?.string == "\(h.outbox)/talk.mp4.de-DE.mp4")
            // One create per language; the sidecar's fields go along, the daemon's callback_id marks them.
            #expect(h.simulator.stats.translationsCreated == ["Spanish (Spain)": 1, "German": 1])
            let body = try #require(h.simulator.stats.lastTranslationRequestBody?.objectValue)
            #expect(body["title"] == .string("Town hall"))
            #expect(body["callback_id"]?.stringValue?.hasPrefix("hgd-") == true)
            #expect(h.list(h.archive) == ["talk.mp4", "talk.mp4.translate.json"])
            #expect(h.list(h.outbox) == ["talk.mp4.de-DE.mp4", "talk.mp4.es-ES.mp4", "talk.mp4.json"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("download: all with captions asked for brings each language's video, SubRip and WebVTT captions")
    func captionsWithAll() async throws {
        try await DaemonHarness.with { h in
            h.environment["HEYGEN_DROPD_DOWNLOAD"] = "all"
            let daemon = try await h.startDaemon()
            try Self.dropTalk(h, sidecar: #"{"output_languages": ["German"], "enable_caption": true}"#)
            let result = try #require(try await h.waitForResults(["talk.mp4"])["talk.mp4"])
            #expect(result.status == "succeeded")
            let downloads = try #require(result.json["downloads"]?.array)
            #expect(downloads.count == 3)
            try DownloadWorkflowTests.checkDownload(downloads[0], kind: "video", path: "\(h.outbox)/talk.mp4.de-DE.mp4")
            try DownloadWorkflowTests.checkDownload(downloads[1], kind: "subtitles", path: "\(h.outbox)/talk.mp4.de-DE.srt")
            try DownloadWorkflowTests.checkDownload(downloads[2], kind: "captions_vtt", path: "\(h.outbox)/talk.mp4.de-DE.vtt")
            #expect(result.json["translations"]?.array?.first?["downloads"]?.array?.count == 3)
            #expect(h.simulator.stats.lastTranslationRequestBody?.objectValue?["enable_caption"] == .bool(true))
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("one language failing: translation_failed listing both; retry makes only that one again, then succeeds")
    func oneLanguageFailsThenRetry() async throws {
        var faults = SimulatorFaults()
        faults.output.failingTranslationLanguages = ["German"]
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try Self.dropTalk(h)
            let failed = try await Self.waitForResult(h, status: "failed")
            #expect(failed.errorCode == "translation_failed")
            let translations = try #require(failed.json["translations"]?.array)
            #expect(translations.map { $0["status"]?.string } == ["completed", "failed"])
            #expect(translations[1]["failure_message"]?.string != nil)
            #expect(failed.json["downloads"]?.array?.count == 1)
            #expect(FileManager.default.fileExists(atPath: "\(h.outbox)/talk.mp4.es-ES.mp4"))
            #expect(h.list(h.failed) == ["talk.mp4", "talk.mp4.translate.json"])

            h.simulator.updateFaults { $0.output.failingTranslationLanguages = [] }
            let job = try #require(failed.json["job_id"]?.string)
            let retry = try await h.command("retry", [job])
            #expect(retry.status == 0, "\(retry.stdout)\(retry.stderr)")
            let succeeded = try await Self.waitForResult(h, status: "succeeded")
            let again = try #require(succeeded.json["translations"]?.array)
            #expect(again.map { $0["status"]?.string } == ["completed", "completed"])
            // The completed language kept its translation and its file: no second charge.
            #expect(again[0]["video_translation_id"] == translations[0]["video_translation_id"])
            #expect(h.simulator.stats.translationsCreated == ["Spanish (Spain)": 1, "German": 2])
            #expect(succeeded.json["downloads"]?.array?.count == 2)
            #expect(FileManager.default.fileExists(atPath: "\(h.outbox)/talk.mp4.de-DE.mp4"))
            #expect(h.list(h.archive) == ["talk.mp4", "talk.mp4.translate.json"])
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("kill -9 between a translation's create and its answer: the restarted daemon adopts it, never creates it twice",
          .timeLimit(.minutes(3)))
    func crashAfterCreateSent() async throws {
        var faults = SimulatorFaults()
        faults.output.translationCreateDelayMs = 5000
        try await DaemonHarness.with(faults: faults) { h in
            let first = try await h.startDaemon()
            try Self.dropTalk(h, sidecar: #"{"output_languages": ["German"]}"#)
            _ = try await eventually("the translation is created") { h.simulator.stats.translationsCreated["German"] == 1 ? true : nil }
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            h.simulator.updateFaults { $0.output.translationCreateDelayMs = 0 }

            let second = try await h.startDaemon()
            let result = try #require(try await h.waitForResults(["talk.mp4"])["talk.mp4"])
            #expect(result.status == "succeeded")
            #expect(h.simulator.stats.translationsCreated == ["German": 1])
            #expect(second.logText.contains("adopted the translation"))
            #expect(FileManager.default.fileExists(atPath: "\(h.outbox)/talk.mp4.de-DE.mp4"))
            #expect(try await second.stop() == 0)
        }
    }

    @Test("invalid translate sidecars fail before any upload", arguments: [
        ("not json", "not valid JSON"),
        (#"{"title": "x"}"#, "no \"output_languages\""),
        (#"{"output_languages": []}"#, "is empty"),
    ])
    func invalidSidecar(text: String, says: String) async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            try Self.dropTalk(h, sidecar: text)
            let result = try #require(try await h.waitForResults(["talk.mp4"])["talk.mp4"])
            #expect(result.errorCode == "invalid_sidecar")
            #expect(result.json["error"]?["message"]?.string?.contains(says) == true)
            #expect(h.simulator.stats.uploads == 0)
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("a translate sidecar beside a file that is not a video, or beside a prompt, is invalid_sidecar")
    func wrongPairings() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await h.startDaemon()
            try h.drop("deck.pdf.translate.json", Data(Self.sidecar.utf8))
            try h.drop("deck.pdf", SampleMedia.pdf(text: "deck"))
            try h.drop("both.mp4.translate.json", Data(Self.sidecar.utf8))
            try h.drop("both.mp4.prompt", Data("a video".utf8))
            try h.drop("both.mp4", SampleMedia.bytes(.mp4, seed: 78))
            let results = try await h.waitForResults(["deck.pdf", "both.mp4"])
            #expect(results["deck.pdf"]?.errorCode == "invalid_sidecar")
            #expect(results["deck.pdf"]?.json["error"]?["message"]?.string?.contains("not a video") == true)
            #expect(results["both.mp4"]?.errorCode == "invalid_sidecar")
            #expect(results["both.mp4"]?.json["error"]?["message"]?.string?.contains("one workflow") == true)
            #expect(h.simulator.stats.uploads == 0)
            #expect(try await daemon.stop() == 0)
        }
    }
}
