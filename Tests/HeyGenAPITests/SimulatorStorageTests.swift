import Foundation
import HeyGenAPI
import HeyGenSimulator
import NIOCore
import TestSupport
import Testing

/// The simulator's direct upload routes and its storage path, driven with plain HTTP requests.
@Suite(.timeLimit(.minutes(2))) struct SimulatorStorageTests {
    static let content = Array(SampleMedia.bytes(.mp4, size: 4096))
    static let checksum = sha256Hex(content)

    /// Begins an upload of `content` and returns the grant's members and the URL's path and query.
    func begin(_ sim: SimulatorHarness, checksum: String? = SimulatorStorageTests.checksum, size: Int = content.count)
        async throws -> (assetID: String, path: String, headers: [(String, String)])
    {
        var members: [String: JSONValue] = [
            "filename": .string("clip.mp4"), "content_type": .string("video/mp4"), "size_bytes": .number(Double(size)),
        ]
        if let checksum { members["checksum_sha256"] = .string(checksum) }
        let reply = try await sim.sendJSON(.POST, "/v3/assets/direct-uploads", .object(members))
        try #require(reply.status == 200, "begin answered \(reply.status) \(reply.text)")
        let url = try #require(reply.data("upload_url")?.stringValue)
        #expect(url.hasPrefix(sim.baseURL + "/_storage/"))
        let headers = try #require(reply.data("upload_headers")?.objectValue).compactMap { name, value in
            value.stringValue.map { (name, $0) }
        }
        return (try #require(reply.data("asset_id")?.stringValue), String(url.dropFirst(sim.baseURL.count)), headers)
    }

    /// PUTs `body` to `path` with `headers` and no API key unless `apiKey` is given.
    func put(_ sim: SimulatorHarness, _ path: String, headers: [(String, String)], body: [UInt8] = content, apiKey: String? = nil)
        async throws -> SimulatorHarness.Reply
    {
        try await sim.send(.PUT, path, apiKey: apiKey, headers: headers, body: .bytes(ByteBuffer(bytes: body)))
    }

    @Test func aRequestCarryingTheAPIKeyIsRefusedAndCounted() async throws {
        try await withSimulator { sim in
            let upload = try await begin(sim)
            let reply = try await put(sim, upload.path, headers: upload.headers, apiKey: "test-key")
            #expect(reply.status == 400)
            #expect(reply.error("code") == .string("api_key_not_allowed"))
            #expect(sim.simulator.stats.storageKeyLeaks == 1)
            #expect(sim.simulator.stats.directPutsAccepted == 0)
            // The same request without the key is accepted.
            #expect(try await put(sim, upload.path, headers: upload.headers).status == 200)
            #expect(sim.simulator.stats.directPuts == 2)
        }
    }

    @Test func aTamperedSignatureSizeOrAssetIsRefused() async throws {
        try await withSimulator { sim in
            let upload = try await begin(sim)
            let other = try await begin(sim)
            let tampered = [
                upload.path.replacingOccurrences(of: "signature=", with: "signature=0"),
                upload.path.replacingOccurrences(of: "size=\(Self.content.count)", with: "size=\(Self.content.count + 1)"),
                upload.path.replacingOccurrences(of: upload.assetID, with: other.assetID),
                String(upload.path.prefix { $0 != "?" }),
            ]
            for path in tampered {
                let reply = try await put(sim, path, headers: upload.headers)
                #expect(reply.status == 403, "\(path)")
                #expect(reply.error("code") == .string("signature_mismatch"), "\(path)")
            }
            #expect(sim.simulator.stats.directPutsAccepted == 0)
        }
    }

    @Test func aMissingOrDifferentSignedHeaderIsRefused() async throws {
        try await withSimulator { sim in
            let upload = try await begin(sim)
            let withoutType = upload.headers.filter { $0.0 != "Content-Type" }
            let otherType = withoutType + [("Content-Type", "video/webm")]
            let otherChecksum = upload.headers.filter { $0.0 != "X-Checksum-Sha256" } + [("X-Checksum-Sha256", String(repeating: "0", count: 64))]
            for headers in [withoutType, otherType, otherChecksum] {
                let reply = try await put(sim, upload.path, headers: headers)
                #expect(reply.status == 403)
                #expect(reply.error("code") == .string("signature_mismatch"))
            }
        }
    }

    @Test func aBodyOfAnotherLengthIsRefused() async throws {
        try await withSimulator { sim in
            let upload = try await begin(sim)
            for body in [Array(Self.content.dropLast()), Self.content + [0]] {
                let reply = try await put(sim, upload.path, headers: upload.headers, body: body)
                #expect(reply.status == 400)
                #expect(reply.error("code") == .string("content_length_mismatch"))
            }
            #expect(sim.simulator.stats.directPutsAccepted == 0)
        }
    }

    @Test func bytesNotMatchingTheAnnouncedChecksumAreRefused() async throws {
        try await withSimulator { sim in
            var changed = Self.content
            changed[changed.count - 1] ^= 0xFF
            let upload = try await begin(sim)
            let reply = try await put(sim, upload.path, headers: upload.headers, body: changed)
            #expect(reply.status == 400)
            #expect(reply.error("code") == .string("checksum_mismatch"))
            // Without a checksum at begin, the same bytes are accepted; complete then checks the one it is given.
            let unchecked = try await begin(sim, checksum: nil)
            #expect(try await put(sim, unchecked.path, headers: unchecked.headers, body: changed).status == 200)
            let complete = try await sim.sendJSON(
                .POST, "/v3/assets/\(unchecked.assetID)/complete", .object(["checksum_sha256": .string(Self.checksum)]))
            #expect(complete.status == 400)
            #expect(complete.error("code") == .string("checksum_mismatch"))
        }
    }

    @Test func completeBeforeThePutIsRefusedAndAfterItAnswersTheAsset() async throws {
        try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(pollsUntilReady: 0), seed: 1)) { sim in
            let upload = try await begin(sim)
            let early = try await sim.sendJSON(.POST, "/v3/assets/\(upload.assetID)/complete", .object([:]))
            #expect(early.status == 400)
            #expect(early.error("code") == .string("upload_incomplete"))
            #expect(try await put(sim, upload.path, headers: upload.headers).status == 200)
            let done = try await sim.sendJSON(
                .POST, "/v3/assets/\(upload.assetID)/complete", .object(["checksum_sha256": .string(Self.checksum)]))
            #expect(done.status == 200)
            #expect(done.data("status") == .string("completed"))
            #expect(done.data("mime_type") == .string("video/mp4"))
            #expect(done.data("size_bytes") == .number(Double(Self.content.count)))
            // The completed asset can be used in a Video Agent request.
            #expect(try await sim.createAgent(assetIDs: [upload.assetID]).status == 200)
        }
    }

    @Test func beginRefusesTooLargeUnsupportedOrMalformedAnnouncements() async throws {
        try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(maxBytes: 1000), seed: 1)) { sim in
            func begin(_ members: [String: JSONValue]) async throws -> SimulatorHarness.Reply {
                var all: [String: JSONValue] = [
                    "filename": .string("clip.mp4"), "content_type": .string("video/mp4"), "size_bytes": .number(1000),
                ]
                all.merge(members) { _, new in new }
                return try await sim.sendJSON(.POST, "/v3/assets/direct-uploads", .object(all))
            }
            #expect(try await begin([:]).data("max_bytes") == .number(1000))
            #expect(try await begin(["size_bytes": .number(1001)]).status == 413)
            #expect(try await begin(["content_type": .string("image/gif")]).status == 415)
            #expect(try await begin(["size_bytes": .number(0)]).status == 400)
            #expect(try await begin(["checksum_sha256": .string("ABC")]).status == 400)
            #expect(try await begin(["filename": .string("")]).status == 400)
            #expect(sim.simulator.stats.directUploadsBegun == 1)
            // Begin is an API call: it needs the key.
            let keyless = try await sim.sendJSON(.POST, "/v3/assets/direct-uploads", .object([:]), apiKey: nil)
            #expect(keyless.status == 401)
        }
    }

    @Test func directUploadFaultsChangeOnlyTheNestedFieldsGiven() async throws {
        try await withSimulator(faults: SimulatorFaults(directUpload: DirectUploadFaults(maxBytes: 1234), seed: 1)) { sim in
            let reply = try await sim.sendJSON(.PUT, "/_admin/faults", .object(["directUpload": .object(["putErrors": .number(2)])]))
            #expect(reply.status == 200)
            #expect(sim.simulator.faults.directUpload == DirectUploadFaults(maxBytes: 1234, putErrors: 2))
            let unknown = try await sim.sendJSON(.PUT, "/_admin/faults", .object(["directUpload": .object(["nope": .number(1)])]))
            #expect(unknown.status == 400)
            #expect(sim.simulator.faults.directUpload.putErrors == 2)
        }
    }
}
