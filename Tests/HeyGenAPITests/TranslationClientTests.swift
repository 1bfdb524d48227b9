import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// Video translation and bulk statuses: the real client against the simulator on loopback.
@Suite("Video translation client", .timeLimit(.minutes(5)))
struct TranslationClientTests {
    let fastRetries = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))

    static func faults(_ change: (inout SimulatorOutputFaults) -> Void = { _ in }) -> SimulatorFaults {
        var output = SimulatorOutputFaults(videoSizeBytes: 300_000, translationPollsUntilCompleted: 3)
        change(&output)
        return SimulatorFaults(pollsUntilVideoID: 0, pollsUntilCompleted: 1, output: output)
    }

    /// Polls translation `id` until it ends; returns every status seen and the last answer.
    func pollToEnd(_ client: HeyGenClient, _ id: String) async throws -> (seen: [String], last: VideoTranslation) {
        var seen: [String] = []
        for _ in 0..<10 {
            let translation = try await client.videoTranslation(id: id)
            seen.append(translation.status)
            if translation.status == "completed" || translation.status == "failed" { return (seen, translation) }
        }
        throw HarnessError(description: "translation \(id) never finished: \(seen)")
    }

    @Test("two languages → two ids in order → pending, running, completed → the files download")
    func translateIntoTwoLanguages() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let client = sim.client()
                let assetID = try await sim.uploadVideoAsset(in: directory)
                let request = VideoTranslationRequest(
                    videoAssetID: assetID, outputLanguages: ["Spanish (Spain)", "German"], callbackID: "job-7",
                    extraFields: ["enable_caption": .bool(true), "mode": .string("speed"), "title": .string("Talk")])
                let ids = try await client.createVideoTranslation(request)
                #expect(ids.count == 2)
                #expect(Set(ids).count == 2)
                #expect(sim.simulator.stats.lastTranslationRequestBody == request.jsonBody)
                #expect(sim.simulator.stats.translationsCreated == ["Spanish (Spain)": 1, "German": 1])

                var languages: [String] = []
                for id in ids {
                    let (seen, done) = try await pollToEnd(client, id)
                    #expect(seen == ["pending", "running", "completed"])
                    #expect(done.id == id)
                    #expect(done.title == "Talk")
                    #expect(done.callbackID == "job-7")
                    languages.append(done.outputLanguage ?? "?")
                    let files: [(String?, (([UInt8]) -> Bool))] = [
                        (done.videoURL, { Array($0[4..<8]) == Array("ftyp".utf8) }),
                        (done.srtCaptionURL, { String(decoding: $0, as: UTF8.self).hasPrefix("1\n") }),
                        (done.vttCaptionURL, { String(decoding: $0, as: UTF8.self).hasPrefix("WEBVTT") }),
                        (done.audioURL, { Array($0.prefix(3)) == Array("ID3".utf8) }),
                    ]
                    for (index, (url, looksRight)) in files.enumerated() {
                        let url = try #require(url)
                        let path = directory.file("\(id)-\(index)")
                        let result = try await withDownloadFile(path) { fd in try await sim.downloader().download(from: url, into: fd) }
                        #expect(looksRight(result.firstBytes))
                        #expect(result.sha256 == (try await sha256sum(path)))
                        if index == 0 { #expect(result.sizeBytes == 300_000) }
                    }
                }
                #expect(languages == ["es-ES", "de-DE"])
                #expect(sim.simulator.stats.fileRequestsWithAPIKey == 0)
            }
        }
    }

    @Test("a language set to fail ends failed with a message while the other completes")
    func failingLanguage() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults { $0.failingTranslationLanguages = ["German"] }) { sim in
                let client = sim.client()
                let assetID = try await sim.uploadVideoAsset(in: directory)
                let ids = try await client.createVideoTranslation(
                    VideoTranslationRequest(videoAssetID: assetID, outputLanguages: ["Spanish (Spain)", "German"]))
                let spanish = try await pollToEnd(client, ids[0]).last
                let german = try await pollToEnd(client, ids[1]).last
                #expect(spanish.status == "completed")
                #expect(spanish.videoURL != nil)
                #expect(german.status == "failed")
                #expect(german.failureMessage != nil)
                #expect(german.videoURL == nil)
                #expect(sim.simulator.stats.faultsInjected["translation_failed"] == 1)
            }
        }
    }

    @Test("bulk statuses: translations and videos, several at once, unknown ids not_found")
    func bulkStatuses() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults { $0.translationPollsUntilCompleted = 2 }) { sim in
                let client = sim.client()
                let assetID = try await sim.uploadVideoAsset(in: directory)
                let ids = try await client.createVideoTranslation(
                    VideoTranslationRequest(videoAssetID: assetID, outputLanguages: ["French", "Italian"]))
                let first = try await client.videoTranslationStatuses(ids: ids + ["vt_missing"])
                #expect(first.statuses.map(\.id) == ids + ["vt_missing"])
                #expect(first.statuses.map(\.status) == ["running", "running", "not_found"])
                #expect(first.nextToken == nil)
                let second = try await client.videoTranslationStatuses(ids: ids)
                #expect(second.statuses.map(\.status) == ["completed", "completed"])

                let session1 = try await client.createVideoAgent(VideoAgentRequest(prompt: "One", assetIDs: [assetID]))
                let session2 = try await client.createVideoAgent(VideoAgentRequest(prompt: "Two", assetIDs: [assetID]))
                let videoIDs = [try #require(session1.videoID), try #require(session2.videoID)]
                let videos = try await client.videoStatuses(ids: videoIDs + ["vid_missing"])
                #expect(videos.statuses.map(\.id) == videoIDs + ["vid_missing"])
                #expect(videos.statuses.map(\.status) == ["completed", "completed", "not_found"])

                let tooMany = (0...HeyGenClient.maxBulkStatusIDs).map { "v\($0)" }
                await #expect(throws: HeyGenError.self) { try await client.videoStatuses(ids: tooMany) }
            }
        }
    }

    @Test("the accepted output languages are listed")
    func languages() async throws {
        try await withSimulator { sim in
            let languages = try await sim.client().translationLanguages()
            #expect(languages.contains("Spanish (Spain)"))
            #expect(languages.contains("German"))
            #expect(Set(languages).count == languages.count)
        }
    }

    @Test("translations are found again by callback_id, as after a crash between create and its answer")
    func reconcileByCallbackID() async throws {
        try await withTemporaryDirectory { directory in
            try await withSimulator(faults: Self.faults()) { sim in
                let client = sim.client()
                let assetID = try await sim.uploadVideoAsset(in: directory)
                let since = Date()
                _ = try await client.createVideoTranslation(
                    VideoTranslationRequest(videoAssetID: assetID, outputLanguages: ["Japanese"], callbackID: "other"))
                let ids = try await client.createVideoTranslation(
                    VideoTranslationRequest(videoAssetID: assetID, outputLanguages: ["Korean", "Dutch"], callbackID: "job-42"))
                let found = try await client.videoTranslations(callbackID: "job-42", since: since, policy: fastRetries)
                #expect(Set(found.map(\.id)) == Set(ids))
                #expect(Set(found.compactMap(\.outputLanguage)) == ["ko-KR", "nl-NL"])
                let none = try await client.videoTranslations(callbackID: "job-43", since: since, policy: fastRetries)
                #expect(none.isEmpty)
            }
        }
    }

    @Test("translations count against the concurrency limit; a non-video asset and unknown languages are refused")
    func refusals() async throws {
        try await withTemporaryDirectory { directory in
            var faults = Self.faults()
            faults.maxConcurrentVideos = 1
            try await withSimulator(faults: faults) { sim in
                let client = sim.client()
                let assetID = try await sim.uploadVideoAsset(in: directory)
                do {
                    _ = try await client.createVideoTranslation(
                        VideoTranslationRequest(videoAssetID: assetID, outputLanguages: ["German", "French"]))
                    Issue.record("two translations passed a limit of one")
                } catch let error as HeyGenError {
                    #expect(error.category == .rateLimited)
                }
                do {
                    _ = try await client.createVideoTranslation(
                        VideoTranslationRequest(videoAssetID: assetID, outputLanguages: ["Klingon"]))
                    Issue.record("an unknown language was accepted")
                } catch let error as HeyGenError {
                    #expect(error.category == .rejected)
                }
                let pdf = directory.file("deck.pdf")
                try writeFile(pdf, SampleMedia.pdf(text: "sample"))
                let pdfAsset = try await client.uploadAsset(path: pdf, fileName: "deck.pdf", idempotencyKey: "deck").assetID
                do {
                    _ = try await client.createVideoTranslation(
                        VideoTranslationRequest(videoAssetID: pdfAsset, outputLanguages: ["German"]))
                    Issue.record("a PDF was accepted as the video to translate")
                } catch let error as HeyGenError {
                    #expect(error.category == .rejected)
                }
                #expect(sim.simulator.stats.translationsCreated.isEmpty)
            }
        }
    }
}
