@testable import HeyGenAPI
import Foundation
import Testing

/// What the client sends, checked without a server.
@Suite struct ClientRequestTests {
    @Test func idempotencyKeysAreValidated() {
        #expect(HeyGenClient.isValidIdempotencyKey("upload:sha256.abc_DEF-9"))
        #expect(HeyGenClient.isValidIdempotencyKey(String(repeating: "a", count: 255)))
        #expect(!HeyGenClient.isValidIdempotencyKey(""))
        #expect(!HeyGenClient.isValidIdempotencyKey(String(repeating: "a", count: 256)))
        #expect(!HeyGenClient.isValidIdempotencyKey("has space"))
        #expect(!HeyGenClient.isValidIdempotencyKey("slash/"))
        #expect(!HeyGenClient.isValidIdempotencyKey("naïve"))
        #expect(!HeyGenClient.isValidIdempotencyKey("line\nbreak"))
    }

    @Test func plainFileNamesAreQuotedAsIs() {
        #expect(MultipartEnvelope.contentDisposition(fileName: "report 2024 (final).pdf") == #"form-data; name="file"; filename="report 2024 (final).pdf""#)
        #expect(MultipartEnvelope.contentDisposition(fileName: "100%.png") == #"form-data; name="file"; filename="100%.png""#)
    }

    @Test func awkwardFileNamesAreEncodedSafely() {
        let quoted = MultipartEnvelope.contentDisposition(fileName: #"say "hi"\now.png"#)
        #expect(quoted == #"form-data; name="file"; filename="say %22hi%22%5Cnow.png"; filename*=UTF-8''say%20%22hi%22%5Cnow.png"#)
        let unicode = MultipartEnvelope.contentDisposition(fileName: "résumé 100%.pdf")
        #expect(unicode == #"form-data; name="file"; filename="r%C3%A9sum%C3%A9 100%25.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20100%25.pdf"#)
        let injected = MultipartEnvelope.contentDisposition(fileName: "a\r\nContent-Type: text/html\r\n.png")
        #expect(!injected.contains("\r") && !injected.contains("\n"))
        for value in [quoted, unicode, injected] {
            #expect(value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        }
    }

    @Test func theExtendedFileNameDecodesBackToTheOriginal() throws {
        let name = "naïve \"quoted\" 日本.png"
        let value = MultipartEnvelope.contentDisposition(fileName: name)
        let extended = try #require(value.components(separatedBy: "filename*=UTF-8''").last)
        #expect(extended.removingPercentEncoding == name)
    }

    @Test func pathSegmentsAreEscaped() throws {
        #expect(try HeyGenClient.pathSegment("sess_abc-1.2~x", what: "id") == "sess_abc-1.2~x")
        #expect(try HeyGenClient.pathSegment("../a b?c", what: "id") == "..%2Fa%20b%3Fc")
        #expect(throws: HeyGenError.self) { try HeyGenClient.pathSegment("", what: "id") }
    }

    @Test func videoAgentBodyMergesExtraFieldsAtTheTopLevel() throws {
        let request = VideoAgentRequest(
            prompt: "Make a video",
            assetIDs: ["a1", "a2"],
            extraFields: [
                "avatar_id": .string("av"), "orientation": .string("portrait"),
                "nested": .object(["n": .number(3), "ok": .bool(true)]), "prompt": .string("ignored"),
            ]
        )
        let expected: JSONValue = .object([
            "prompt": .string("Make a video"),
            "files": .array([
                .object(["type": .string("asset_id"), "asset_id": .string("a1")]),
                .object(["type": .string("asset_id"), "asset_id": .string("a2")]),
            ]),
            "avatar_id": .string("av"), "orientation": .string("portrait"),
            "nested": .object(["n": .number(3), "ok": .bool(true)]),
        ])
        #expect(request.jsonBody == expected)
        let encoded = try JSONEncoder().encode(request.jsonBody)
        #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == expected)
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""n":3"#))
    }

    @Test func jsonValueKeepsBooleansNumbersAndNulls() throws {
        let text = #"{"a":true,"b":1,"c":0,"d":1.5,"e":null,"f":"s","g":[false]}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value == .object([
            "a": .bool(true), "b": .number(1), "c": .number(0), "d": .number(1.5), "e": .null, "f": .string("s"),
            "g": .array([.bool(false)]),
        ]))
    }

    @Test func errorDescriptionsCarryTheDetails() {
        let e = HeyGenError(
            category: .rateLimited, httpStatus: 429, apiCode: "rate_limit_exceeded", message: "Slow down",
            requestID: "req-9", retryAfter: .seconds(3), isRetryable: true
        )
        #expect(e.description == "rate_limited: Slow down (HTTP 429, code rate_limit_exceeded, request id req-9, retry after 3 s)")
    }
}
