import Foundation
@testable import HeyGenAPI
import NIOCore
import NIOHTTP1
import Testing

/// How answers are classified, from status, headers and body alone.
@Suite struct ClientResponseTests {
    func answer(_ status: Int, _ body: String, headers: [(String, String)] = []) -> APIResponse {
        APIResponse(status: status, headers: HTTPHeaders(headers), body: ByteBuffer(string: body))
    }

    func error(_ response: APIResponse) throws -> HeyGenError {
        switch response.classify() {
        case .success(let data): throw ClassifiedAsSuccess(data: data)
        case .failure(let error): return error
        }
    }

    struct ClassifiedAsSuccess: Error { var data: [String: JSONValue] }

    let jsonError = #"{"error":{"code":"some_code","message":"Something went wrong","param":null,"doc_url":null}}"#

    @Test func successUnwrapsTheDataEnvelope() throws {
        let data = try answer(200, #"{"data":{"asset_id":"a1","url":"https://x/a1","mime_type":"image/png","size_bytes":12,"extra":[1]}}"#)
            .classify().get()
        #expect(UploadedAsset(json: data) == UploadedAsset(assetID: "a1", url: "https://x/a1", mimeType: "image/png", sizeBytes: 12))
    }

    @Test func aSuccessStatusWithAnErrorBodyIsARetryableError() throws {
        let e = try error(answer(200, jsonError, headers: [("X-Request-Id", "req-1")]))
        #expect(e.category == .serverError)
        #expect(e.isRetryable)
        #expect(e.apiCode == "some_code")
        #expect(e.message == "Something went wrong")
        #expect(e.requestID == "req-1")
    }

    @Test func aSuccessStatusWithANonJSONBodyIsARetryableError() throws {
        let e = try error(answer(200, "<html>maintenance</html>"))
        #expect(e.category == .serverError)
        #expect(e.isRetryable)
    }

    @Test(arguments: [
        (400, HeyGenError.Category.rejected, false),
        (401, .unauthorized, false),
        (402, .insufficientCredit, false),
        (403, .unauthorized, false),
        (404, .notFound, false),
        (408, .networkError, true),
        (409, .serverError, true),
        (413, .rejected, false),
        (415, .rejected, false),
        (422, .rejected, false),
        (429, .rateLimited, true),
        (500, .serverError, true),
        (502, .serverError, true),
        (503, .serverError, true),
        (504, .serverError, true),
        (302, .rejected, false),
    ])
    func statusDecidesTheCategoryWhateverTheBody(status: Int, category: HeyGenError.Category, retryable: Bool) throws {
        for body in [jsonError, "<html><body>Gateway</body></html>", ""] {
            let e = try error(answer(status, body, headers: [("X-Request-Id", "r-\(status)")]))
            #expect(e.category == category, "status \(status) body \(body.prefix(10))")
            #expect(e.isRetryable == retryable)
            #expect(e.httpStatus == status)
            #expect(e.requestID == "r-\(status)")
            #expect(!e.description.contains("<html>"))
        }
    }

    @Test func jsonErrorsKeepCodeAndMessage() throws {
        let e = try error(answer(402, #"{"error":{"code":"insufficient_credit","message":"Top up"}}"#))
        #expect(e.apiCode == "insufficient_credit")
        #expect(e.message == "Top up")
        #expect(e.description.contains("insufficient_credit"))
    }

    @Test func retryAfterIsReadAsWholeSeconds() throws {
        #expect(try error(answer(429, jsonError, headers: [("Retry-After", "7")])).retryAfter == .seconds(7))
        #expect(try error(answer(503, "", headers: [("Retry-After", " 2 ")])).retryAfter == .seconds(2))
        #expect(try error(answer(429, "", headers: [("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")])).retryAfter == nil)
        #expect(try error(answer(429, "", headers: [("Retry-After", "-3")])).retryAfter == nil)
        #expect(try error(answer(429, "")).retryAfter == nil)
    }

    @Test func anOversizedBodyIsClassifiedByStatus() throws {
        let big = APIResponse(status: 502, headers: [:], body: nil)
        #expect(try error(big).category == .serverError)
        let ok = APIResponse(status: 200, headers: [:], body: nil)
        #expect(try error(ok).isRetryable)
    }

    @Test func sessionAndVideoAnswersAreReadTolerantly() throws {
        let session = try answer(200, #"{"data":{"session_id":"s1","status":"generating","video_id":null,"progress":50,"new":true}}"#)
            .classify().get()
        #expect(VideoAgentSession(json: session, fallbackID: nil) == VideoAgentSession(sessionID: "s1", status: "generating", videoID: nil, progress: 50))
        let video = try answer(200, #"{"data":{"id":"v1","status":"completed","video_url":"https://v","thumbnail_url":"https://t","duration":61.2}}"#)
            .classify().get()
        #expect(
            VideoStatus(json: video, fallbackID: "v1")
                == VideoStatus(videoID: "v1", status: "completed", videoURL: "https://v", thumbnailURL: "https://t", duration: 61.2)
        )
        let failed = try answer(200, #"{"data":{"status":"failed","failure_code":"MODERATION","failure_message":"No"}}"#).classify().get()
        let status = try #require(VideoStatus(json: failed, fallbackID: "v9"))
        #expect(status.videoID == "v9")
        #expect(status.failureCode == "MODERATION")
        #expect(VideoStatus(json: ["video_id": .string("v")], fallbackID: "v") == nil)
    }

    @Test func theDescriptionIsOneLineAndNeverCarriesTheKey() {
        let key = "sk_live_SECRET123"
        let echoed = HeyGenError(
            category: .unauthorized, httpStatus: 401, apiCode: "bad_key_\(key)",
            message: "API key \(key) is not valid\nplease check", requestID: "req \(key)", isRetryable: false
        )
        let safe = echoed.redacting(key)
        #expect(!safe.description.contains(key))
        #expect(!safe.description.contains("\n"))
        #expect(!String(reflecting: safe).contains(key))
        #expect(safe.description.hasPrefix("unauthorized: API key [redacted] is not valid please check"))
    }
}
