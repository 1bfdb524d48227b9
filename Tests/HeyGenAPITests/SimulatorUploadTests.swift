import AsyncHTTPClient
import HeyGenAPI
import HeyGenSimulator
import NIOCore
import TestSupport
import Testing

@Suite("Simulator uploads", .timeLimit(.minutes(5)))
struct SimulatorUploadTests {
    @Test("each supported type is accepted and reported with its MIME type", arguments: MediaType.allCases)
    func acceptsSupportedType(_ type: MediaType) async throws {
        try await withSimulator { sim in
            let content = Array(SampleMedia.bytes(type, size: 700))
            let reply = try await sim.upload(content, fileName: "sample.bin")
            #expect(reply.status == 200)
            #expect(reply.data("mime_type") == .string(type.mimeType))
            #expect(reply.data("size_bytes") == .number(700))
            let assetID = try #require(reply.data("asset_id")?.stringValue)
            #expect(assetID.hasPrefix("asset_"))
            #expect(reply.data("url")?.stringValue?.hasPrefix("https://") == true)
            #expect(reply.header("X-Request-Id")?.isEmpty == false)
            #expect(sim.simulator.stats.uploads == 1)
            #expect(sim.simulator.stats.uploadedBytes == 700)
        }
    }

    @Test("the type comes from the bytes, not the file name")
    func typeFromBytes() async throws {
        try await withSimulator { sim in
            let pdf = try await sim.upload(Array(SampleMedia.bytes(.pdf, size: 512)), fileName: "picture.png")
            #expect(pdf.data("mime_type") == .string("application/pdf"))
            let elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 100)
            let rejected = try await sim.upload(elf, fileName: "photo.png")
            #expect(rejected.status == 415)
            #expect(rejected.error("code") == .string("unsupported_media_type"))
            #expect(rejected.error("param") == .string("file"))
            #expect(rejected.error("doc_url") == .null)
            #expect(rejected.error("message")?.stringValue?.isEmpty == false)
            #expect(rejected.header("X-Request-Id")?.isEmpty == false)
            #expect(sim.simulator.stats.uploads == 1)
        }
    }

    @Test("an empty file is rejected")
    func rejectsEmpty() async throws {
        try await withSimulator { sim in
            let reply = try await sim.upload([])
            #expect(reply.status == 400)
            #expect(reply.error("code") == .string("empty_file"))
            #expect(sim.simulator.stats.uploads == 0)
        }
    }

    @Test("by default the limits are HeyGen's: a file of at most 32 MiB")
    func defaultLimits() {
        let limits = SimulatorLimits()
        #expect(limits.maxUploadBytes == MediaType.maxUploadBytes)
        #expect(HeyGenSimulator(logger: quietLogger("simulator-test")).limits == limits)
    }

    /// Small limits, so the tests of how they apply need not send 32 MiB.
    static let smallLimits = SimulatorLimits(maxUploadBytes: 256 * 1024, maxEnvelopeBytes: 4096)

    @Test("a file of exactly the limit is accepted, with or without a Content-Length", arguments: [false, true])
    func acceptsExactLimit(chunked: Bool) async throws {
        try await withSimulator(limits: Self.smallLimits) { sim in
            let size = Int(Self.smallLimits.maxUploadBytes)
            let reply = try await sim.upload(Array(SampleMedia.bytes(.mp4, size: size)), fileName: "limit.mp4", chunked: chunked)
            #expect(reply.status == 200)
            #expect(reply.data("size_bytes") == .number(Double(size)))
            #expect(sim.simulator.stats.uploadedBytes == Int64(size))
        }
    }

    @Test("a file one byte over the limit, or far over it, is refused with 413, with or without a Content-Length",
          arguments: [false, true])
    func rejectsOverLimit(chunked: Bool) async throws {
        try await withSimulator(limits: Self.smallLimits) { sim in
            let limit = Int(Self.smallLimits.maxUploadBytes)
            for size in [limit + 1, limit + 100_000, 4 * limit] {
                let reply = try await sim.upload(Array(SampleMedia.bytes(.mp4, size: size)), fileName: "big.mp4", chunked: chunked)
                #expect(reply.status == 413, "\(size) bytes")
                #expect(reply.error("code") == .string("file_too_large"))
                #expect(reply.error("param") == .string("file"))
            }
            #expect(sim.simulator.stats.uploads == 0)
            // The connection is still good: the refused bodies were read to their end.
            let small = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), fileName: "a.png")
            #expect(small.status == 200)
        }
    }

    @Test("a part header block over the limit is a 400")
    func rejectsHeaderFlood() async throws {
        try await withSimulator(limits: SimulatorLimits(maxPartHeaderBytes: 1024)) { sim in
            let boundary = "flood"
            let flood = "--flood\r\nContent-Disposition: form-data; name=\"file\"\r\nX-Pad: \(String(repeating: "a", count: 50_000))\r\n\r\n%PDF-1.7\r\n--flood--\r\n"
            let reply = try await sim.send(
                .POST, "/v3/assets", headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: .bytes(ByteBuffer(string: flood)))
            #expect(reply.status == 400)
            #expect(reply.error("code") == .string("invalid_multipart"))
            #expect(sim.simulator.stats.uploads == 0)
        }
    }

    @Test("a chunked upload (no Content-Length) is accepted")
    func acceptsChunked() async throws {
        try await withSimulator { sim in
            let content = Array(SampleMedia.bytes(.wav, size: 100_000))
            let reply = try await sim.upload(content, fileName: "voice.wav", chunked: true)
            #expect(reply.status == 200)
            #expect(reply.data("mime_type") == .string("audio/wav"))
            #expect(reply.data("size_bytes") == .number(100_000))
        }
    }

    @Test("an upload without a multipart body, or without a file part, is a 400")
    func rejectsMalformed() async throws {
        try await withSimulator { sim in
            let json = try await sim.send(
                .POST, "/v3/assets", headers: [("Content-Type", "application/json")], body: .bytes(ByteBuffer(string: "{}")))
            #expect(json.status == 400)
            #expect(json.error("code") == .string("invalid_request"))

            let boundary = "xyz"
            let noFile = "--xyz\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nvalue\r\n--xyz--\r\n"
            let reply = try await sim.send(
                .POST, "/v3/assets", headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: .bytes(ByteBuffer(string: noFile)))
            #expect(reply.status == 400)
            #expect(reply.error("message")?.stringValue?.contains("file") == true)

            let truncated = "--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n%PDF-1.7 and no end"
            let cut = try await sim.send(
                .POST, "/v3/assets", headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: .bytes(ByteBuffer(string: truncated)))
            #expect(cut.status == 400)
            #expect(cut.error("code") == .string("invalid_multipart"))
        }
    }

    @Test("other form fields are ignored and the file part is found")
    func ignoresOtherFields() async throws {
        try await withSimulator { sim in
            let form = SimMultipartForm(
                fileName: "x.jpg", content: Array(SampleMedia.bytes(.jpeg, size: 512)), extraFields: [("note", "hello")])
            let reply = try await sim.send(
                .POST, "/v3/assets", headers: [("Content-Type", form.contentType)],
                body: .bytes(ByteBuffer(bytes: form.body)))
            #expect(reply.status == 200)
            #expect(reply.data("mime_type") == .string("image/jpeg"))
            #expect(reply.data("size_bytes") == .number(512))
        }
    }

    @Test("the API key is required and rejected keys get 401")
    func apiKey() async throws {
        try await withSimulator { sim in
            let missing = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), apiKey: nil)
            #expect(missing.status == 401)
            #expect(missing.error("code") == .string("unauthorized"))
            let bad = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), apiKey: "bad-key")
            #expect(bad.status == 401)

            sim.simulator.updateFaults { $0.rejectedKeys = ["revoked"] }
            let revoked = try await sim.send(.GET, "/v3/videos/none", apiKey: "revoked")
            #expect(revoked.status == 401)
            let nowFine = try await sim.upload(Array(SampleMedia.bytes(.png, size: 512)), apiKey: "bad-key")
            #expect(nowFine.status == 200)
            #expect(sim.simulator.stats.uploads == 1)
        }
    }
}
