import Foundation
import HeyGenAPI
import HeyGenSimulator
import Testing
import TestSupport

/// The real client's direct upload (begin, PUT to storage, complete, wait) against the simulator on loopback.
@Suite(.timeLimit(.minutes(5))) struct DirectUploadClientTests {
    @Test func aHundredMegabyteFileGoesUpDirectlyAndBecomesReady() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("big.mp4"), size: 100 * 1024 * 1024)
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(pollsUntilReady: 2))) { sim in
                let client = sim.client()
                let (grant, completed) = try await client.directUpload(file)
                #expect(grant.status == "pending_upload")
                #expect(grant.maxBytes == DirectUploadFaults().maxBytes)
                #expect(grant.expiresInSeconds == 3600)
                #expect(grant.uploadHeaders["Content-Type"] == "video/mp4")
                #expect(grant.uploadURL.contains("/_storage/"))
                #expect(completed.asset.assetID == grant.assetID)
                #expect(completed.asset.sizeBytes == file.size)
                #expect(completed.asset.mimeType == "video/mp4")
                #expect(completed.status == "processing")
                #expect(!completed.isReady)

                let ready = try await client.waitForAsset(id: grant.assetID, timeout: .seconds(30), initialInterval: .milliseconds(10))
                #expect(ready == AssetStatus(assetID: grant.assetID, status: "completed"))

                let stats = sim.simulator.stats
                #expect(stats.directUploadsBegun == 1)
                #expect(stats.directPuts == 1)
                #expect(stats.directPutsAccepted == 1)
                #expect(stats.directPutBytes == file.size)
                #expect(stats.directPutsByAsset == [grant.assetID: 1])
                #expect(stats.directUploadsCompleted == 1)
                // The storage path refuses any request with X-Api-Key: the client never sent it.
                #expect(stats.storageKeyLeaks == 0)
                // Exactly the upload headers given and a Content-Length (the host travels as the request's authority).
                #expect(stats.lastStorageHeaderNames == ["content-length", "content-type", "x-checksum-sha256"])
                // Two polls answered processing, the third completed.
                #expect(sim.requests("GET /v3/assets/statuses") == 3)
            }
        }
    }

    @Test func anExpiredURLIsADistinctBeginAgainError() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 300_000)
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(urlExpiresInSeconds: 0))) { sim in
                let client = sim.client()
                let grant = try await client.beginDirectUpload(
                    filename: "a.mp4", contentType: "video/mp4", sizeBytes: file.size, checksumSHA256: file.sha256)
                let error = await #expect(throws: HeyGenError.self) {
                    try await file.withDescriptor { source in
                        try await client.putDirectUpload(url: grant.uploadURL, headers: grant.uploadHeaders, file: source)
                    }
                }
                #expect(error?.beginAgain == true)
                #expect(error?.httpStatus == 403)
                #expect(error?.apiCode == "url_expired")
                #expect(error?.isRetryable == false)
                #expect(error?.category != .unauthorized, "storage refusing a URL says nothing about the API key")
                let text = error.map { "\($0)" } ?? ""
                #expect(!text.contains("signature="), "the URL is a credential")

                // Begun again with a URL that lasts, the upload succeeds.
                sim.simulator.updateFaults { $0.directUpload.urlExpiresInSeconds = 600 }
                let (again, _) = try await client.directUpload(file)
                #expect(again.assetID != grant.assetID)
            }
        }
    }

    @Test func anExpiredURLFaultIsAlsoBeginAgain() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 100_000)
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(putExpired: 1))) { sim in
                let error = await #expect(throws: HeyGenError.self) { try await sim.client().directUpload(file) }
                #expect(error?.beginAgain == true)
                #expect(sim.simulator.stats.faultsInjected["direct_put_expired"] == 1)
                _ = try await sim.client().directUpload(file)
            }
        }
    }

    @Test func aStorageServerErrorIsRetryableAndTheRetrySucceeds() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 2_000_000)
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(putErrors: 1))) { sim in
                let client = sim.client()
                let grant = try await client.beginDirectUpload(
                    filename: "a.mp4", contentType: "video/mp4", sizeBytes: file.size, checksumSHA256: file.sha256)
                let put = { @Sendable () async throws in
                    try await file.withDescriptor { source in
                        try await client.putDirectUpload(url: grant.uploadURL, headers: grant.uploadHeaders, file: source)
                    }
                }
                let error = await #expect(throws: HeyGenError.self) { try await put() }
                #expect(error?.category == .serverError)
                #expect(error?.httpStatus == 500)
                #expect(error?.isRetryable == true)
                #expect(error?.beginAgain == false)
                try await put()
                _ = try await client.completeDirectUpload(assetID: grant.assetID, checksumSHA256: file.sha256)
                #expect(sim.simulator.stats.directPutsByAsset[grant.assetID] == 2)
                #expect(sim.simulator.stats.directPutsAccepted == 1)
            }
        }
    }

    @Test func aConnectionCutMidBodyIsARetryableNetworkError() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 16 * 1024 * 1024)
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(putCuts: 1))) { sim in
                let client = sim.client()
                let grant = try await client.beginDirectUpload(
                    filename: "a.mp4", contentType: "video/mp4", sizeBytes: file.size, checksumSHA256: file.sha256)
                let put = { @Sendable () async throws in
                    try await file.withDescriptor { source in
                        try await client.putDirectUpload(url: grant.uploadURL, headers: grant.uploadHeaders, file: source)
                    }
                }
                let error = await #expect(throws: HeyGenError.self) { try await put() }
                #expect(error?.category == .networkError)
                #expect(error?.isRetryable == true)
                #expect(sim.simulator.stats.faultsInjected["direct_put_cut"] == 1)
                #expect(sim.simulator.stats.directPutsAccepted == 0)
                try await put()
                #expect(sim.simulator.stats.directPutsAccepted == 1)
            }
        }
    }

    @Test func aFailingCompleteIsRetryableAndCompletingAgainIsIdempotent() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 100_000)
            let faults = SimulatorFaults(directUpload: DirectUploadFaults(pollsUntilReady: 0, completeErrors: 1))
            try await withSimulator(faults: faults) { sim in
                let client = sim.client()
                let error = await #expect(throws: HeyGenError.self) { try await client.directUpload(file) }
                #expect(error?.category == .serverError)
                #expect(error?.isRetryable == true)
                let assetID = try #require(sim.simulator.stats.directPutsByAsset.keys.first)
                let first = try await client.completeDirectUpload(assetID: assetID, checksumSHA256: file.sha256)
                let second = try await client.completeDirectUpload(assetID: assetID, checksumSHA256: file.sha256)
                #expect(first == second)
                #expect(first.isReady)
                #expect(sim.simulator.stats.directUploadsCompleted == 1)
            }
        }
    }

    @Test func anAssetThatEndsFailedIsAClearRejectedError() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 100_000)
            let faults = SimulatorFaults(directUpload: DirectUploadFaults(pollsUntilReady: 1, assetFailureRate: 1))
            try await withSimulator(faults: faults) { sim in
                let client = sim.client()
                let (grant, _) = try await client.directUpload(file)
                let error = await #expect(throws: HeyGenError.self) {
                    try await client.waitForAsset(id: grant.assetID, timeout: .seconds(30), initialInterval: .milliseconds(10))
                }
                #expect(error?.category == .rejected)
                #expect(error?.isRetryable == false)
                #expect(error?.apiCode == "asset_processing_failed")
                #expect(error?.message.contains("failed processing") == true)
            }
        }
    }

    @Test func waitingForAnAssetStillProcessingTimesOutRetryably() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 100_000)
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(pollsUntilReady: 1_000_000))) { sim in
                let client = sim.client()
                let (grant, _) = try await client.directUpload(file)
                let error = await #expect(throws: HeyGenError.self) {
                    try await client.waitForAsset(id: grant.assetID, timeout: .seconds(3), initialInterval: .milliseconds(20))
                }
                #expect(error?.isRetryable == true)
                #expect(error?.message.contains("processing") == true)
                #expect(sim.requests("GET /v3/assets/statuses") >= 2)
            }
        }
    }

    @Test func statusesOfSeveralAssetsComeBackByID() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 100_000)
            let small = directory.file("pixel.png")
            try writeFile(small, SampleMedia.signature(.png))
            try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(pollsUntilReady: 5))) { sim in
                let client = sim.client()
                let multipart = try await client.uploadAsset(path: small, fileName: "pixel.png", idempotencyKey: "k-1")
                let (direct, _) = try await client.directUpload(file)
                let pending = try await client.beginDirectUpload(
                    filename: "b.mp4", contentType: "video/mp4", sizeBytes: 10, checksumSHA256: nil)
                let statuses = try await client.assetStatuses(ids: [multipart.assetID, direct.assetID, pending.assetID, "asset_unknown"])
                #expect(
                    statuses == [
                        AssetStatus(assetID: multipart.assetID, status: "completed"),
                        AssetStatus(assetID: direct.assetID, status: "processing"),
                        AssetStatus(assetID: pending.assetID, status: "queued"),
                        AssetStatus(assetID: "asset_unknown", status: "not_found"),
                    ])
            }
        }
    }

    @Test func statusesRefuseNoIDsOrMoreThanAHundredBeforeAnyRequest() async throws {
        try await withSimulator { sim in
            let client = sim.client()
            for ids in [[], (0...100).map { "asset_\($0)" }] {
                let error = await #expect(throws: HeyGenError.self) { _ = try await client.assetStatuses(ids: ids) }
                #expect(error?.category == .rejected)
            }
            #expect(sim.requests("GET /v3/assets/statuses") == 0)
            let hundred = try await client.assetStatuses(ids: (0..<100).map { "asset_\($0)" })
            #expect(hundred.count == 100)
        }
    }

    @Test func anUploadMovingTooSlowlyIsAbortedAsARetryableNetworkError() async throws {
        try await withTemporaryDirectory { directory in
            let file = try await DirectUploadFile.write(to: directory.file("a.mp4"), size: 16 * 1024 * 1024)
            try await withSimulator { sim in
                var configuration = sim.client().configuration
                // No transfer moves a petabyte in a millisecond: the watchdog must abort.
                configuration.directUploadTimeouts = DirectUploadTimeouts(minimumBytes: 1 << 50, window: .milliseconds(1))
                let client = HeyGenClient(configuration: configuration, httpClient: sim.httpClient, logger: SimulatorHarness.quietLogger)
                let grant = try await client.beginDirectUpload(
                    filename: "a.mp4", contentType: "video/mp4", sizeBytes: file.size, checksumSHA256: file.sha256)
                let error = await #expect(throws: HeyGenError.self) {
                    try await file.withDescriptor { source in
                        try await client.putDirectUpload(url: grant.uploadURL, headers: grant.uploadHeaders, file: source)
                    }
                }
                #expect(error?.category == .networkError)
                #expect(error?.isRetryable == true)
                #expect(error?.message.contains("stalled") == true)
            }
        }
    }

    @Test func uploadHeadersThatCannotBeSentAsGivenAreRefusedBeforeSending() async throws {
        try await withSimulator { sim in
            let client = sim.client()
            let grant = try await client.beginDirectUpload(filename: "a.mp4", contentType: "video/mp4", sizeBytes: 10, checksumSHA256: nil)
            let refused: [[String: String]] = [
                ["Content-Type": "video/mp4\r\nX-Api-Key: injected"],
                ["Bad Name": "x"],
                ["Host": "elsewhere.example"],
                ["Transfer-Encoding": "chunked"],
                ["Content-Length": "11"],
            ]
            for headers in refused {
                let error = await #expect(throws: HeyGenError.self) {
                    try await client.putDirectUpload(url: grant.uploadURL, headers: headers, file: UploadFile(descriptor: -1, size: 10))
                }
                #expect(error?.category == .rejected, "\(headers)")
            }
            #expect(sim.simulator.stats.directPuts == 0)
        }
    }

    @Test func aPlainHTTPUploadURLToAnotherHostIsRefusedBeforeSending() async throws {
        try await withSimulator { sim in
            let error = await #expect(throws: HeyGenError.self) {
                try await sim.client().putDirectUpload(
                    url: "http://storage.example.com/_storage/a?signature=x", headers: [:], file: UploadFile(descriptor: -1, size: 0))
            }
            #expect(error?.category == .rejected)
            #expect(error?.message.contains("signature") == false)
        }
    }
}
