import Foundation
import NIOCore

extension HeyGenClient {
    /// Starts translating an uploaded video: `POST /v3/video-translations` with `video` (the asset),
    /// `output_languages`, `callback_id` and the extra fields at the top level. Returns the
    /// `video_translation_ids`, one per output language, in the order asked.
    ///
    /// Not idempotent (no `Idempotency-Key`): a retry after a lost answer may create (and bill) the
    /// translations twice. Record that it was sent first; after a crash look them up with
    /// `videoTranslations(callbackID:since:policy:)`.
    public func createVideoTranslation(_ request: VideoTranslationRequest) async throws(HeyGenError) -> [String] {
        guard !request.outputLanguages.isEmpty else {
            throw HeyGenError(category: .rejected, message: "no output language given", isRetryable: false)
        }
        let data = try await send(jsonRequest(.POST, "/v3/video-translations", request.jsonBody))
        guard case .array(let items)? = data["video_translation_ids"] else {
            throw malformed("the translation answer has no video_translation_ids")
        }
        let ids = items.compactMap(\.nonEmptyString)
        guard ids.count == items.count, ids.count == request.outputLanguages.count else {
            throw malformed("the translation answer has \(items.count) ids for \(request.outputLanguages.count) languages")
        }
        return ids
    }

    /// The state of one translation: `GET /v3/video-translations/{id}`. Its file URLs are fresh on every call.
    public func videoTranslation(id: String) async throws(HeyGenError) -> VideoTranslation {
        let segment = try HeyGenClient.pathSegment(id, what: "translation id")
        let data = try await send(makeRequest(.GET, "/v3/video-translations/\(segment)"))
        guard let translation = VideoTranslation(json: data, fallbackID: id) else {
            throw malformed("the translation answer has no status")
        }
        return translation
    }

    /// The states of up to 100 translations at once: `GET /v3/video-translations/statuses?video_translation_ids=…`.
    /// Each entry's id comes from the field the API names `video_id`. Carries no URLs.
    public func videoTranslationStatuses(ids: [String], token: String? = nil) async throws(HeyGenError) -> BulkVideoStatusPage {
        try await bulkStatuses(path: "/v3/video-translations/statuses", parameter: "video_translation_ids", ids: ids, token: token)
    }

    /// The `output_languages` names the API accepts: `GET /v3/video-translations/languages`.
    public func translationLanguages() async throws(HeyGenError) -> [String] {
        let data = try await send(makeRequest(.GET, "/v3/video-translations/languages"))
        guard case .array(let items)? = data["languages"] else {
            throw malformed("the languages answer has no languages array")
        }
        return items.compactMap(\.nonEmptyString)
    }
}
