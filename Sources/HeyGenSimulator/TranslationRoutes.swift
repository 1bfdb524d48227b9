import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// `POST /v3/video-translations`: validates `video` (a known video asset), `output_languages` (1 to 20
    /// accepted names), applies the concurrency limit (translations count like videos; one language each),
    /// records the body and `callback_id`, and answers `{"data": {"video_translation_ids": [...]}}`, one id
    /// per language in order (after `translationCreateDelayMs`, the translations already made).
    func createVideoTranslation(_ request: Request) async throws -> Response {
        let buffer = try await Self.collectAgentBody(request.body)
        guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)),
            let members = body.objectValue
        else {
            throw SimulatorAPIError.badRequest("invalid_json", "the request body must be a JSON object")
        }
        guard let video = members["video"]?.objectValue, video["type"] == .string("asset_id"),
            let assetID = video["asset_id"]?.stringValue, !assetID.isEmpty
        else {
            throw SimulatorAPIError.badRequest(
                "invalid_parameter", "video must be {\"type\":\"asset_id\",\"asset_id\":\"...\"}", param: "video")
        }
        guard case .array(let list)? = members["output_languages"], (1...20).contains(list.count) else {
            throw SimulatorAPIError.badRequest(
                "invalid_parameter", "output_languages must be an array of 1 to 20 languages", param: "output_languages")
        }
        var languages: [(name: String, code: String)] = []
        for (index, item) in list.enumerated() {
            guard let name = item.stringValue, let code = TranslationLanguages.code(of: name) else {
                throw SimulatorAPIError.badRequest(
                    "invalid_parameter", "unsupported output language", param: "output_languages[\(index)]")
            }
            languages.append((name, code))
        }
        let now = Date()
        let ids = try state.withLock { state -> [String] in
            guard let asset = state.assets[assetID] else {
                throw SimulatorAPIError.badRequest("asset_not_found", "unknown asset_id \(assetID)", param: "video.asset_id")
            }
            guard asset.mediaType == .mp4 || asset.mediaType == .webm else {
                throw SimulatorAPIError.badRequest("invalid_parameter", "the asset is not a video", param: "video.asset_id")
            }
            let inProgress = state.videosInProgress
            if inProgress + languages.count > state.faults.maxConcurrentVideos {
                state.stats.faultsInjected["concurrency_limit", default: 0] += 1
                throw Self.rateLimited(
                    state.faults, message: "at most \(state.faults.maxConcurrentVideos) videos may be in progress",
                    code: "concurrent_video_limit_exceeded")
            }
            let failing = Set(state.faults.output.failingTranslationLanguages)
            var ids: [String] = []
            for language in languages {
                let translation = SimulatedTranslation(
                    id: makeIdentifier("vt_"), language: language.name, languageCode: language.code, assetID: assetID,
                    title: members["title"]?.stringValue, callbackID: members["callback_id"]?.stringValue,
                    captions: members["enable_caption"] == .bool(true), createdAt: now,
                    pollsUntilCompleted: state.faults.output.translationPollsUntilCompleted,
                    willFail: failing.contains(language.name) || failing.contains(language.code))
                state.translations[translation.id] = translation
                state.stats.translationsCreated[language.name, default: 0] += 1
                ids.append(translation.id)
            }
            state.pruneTranslations()
            state.stats.peakVideosInProgress = max(state.stats.peakVideosInProgress, inProgress + languages.count)
            state.stats.lastTranslationRequestBody = body
            return ids
        }
        let delay = state.withLock { $0.faults.output.translationCreateDelayMs }
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        return JSONResponse.data(["video_translation_ids": .array(ids.map(JSONValue.string))])
    }

    /// `GET /v3/video-translations/{id}`: each poll moves it on (pending, running, then completed with fresh
    /// file URLs, or failed with a `failure_message`).
    func videoTranslation(id: String) throws -> Response {
        let translation = try state.withLock { state -> SimulatedTranslation in
            guard let translation = state.advanceTranslation(id) else {
                throw SimulatorAPIError(.notFound, code: "video_translation_not_found", message: "no video translation \(id)")
            }
            return translation
        }
        return JSONResponse.data(Self.translationMembers(translation, links: fileLinks()))
    }

    /// `GET /v3/video-translations/statuses?video_translation_ids=a,b`: up to 100 entries
    /// `{"video_id", "status", "error"}` (each counts as a poll), `not_found` for unknown ids.
    func videoTranslationStatuses(_ request: Request) throws -> Response {
        try refuseBulkWhenMissing()
        let ids = try Self.bulkIDs(request, parameter: "video_translation_ids")
        let entries = state.withLock { state in
            ids.map { id -> JSONValue in
                guard let translation = state.advanceTranslation(id) else { return Self.bulkEntry(id, "not_found") }
                let failed = translation.outcome == .failed
                return Self.bulkEntry(id, Self.translationStatus(translation), error: failed ? "the simulated translation failed" : nil)
            }
        }
        return JSONResponse.make(JSONValue.object(["data": .array(entries), "has_more": .bool(false), "next_token": .null]))
    }

    /// `GET /v3/video-translations/languages`: `{"data": {"languages": [...]}}`.
    func translationLanguages() -> Response {
        JSONResponse.data(["languages": .array(TranslationLanguages.all.map { .string($0.name) })])
    }

    /// `GET /v3/video-translations?limit=N&token=T`: the translations, newest first, as
    /// `{"data": {"video_translations": [...], "has_more", "next_token"}}`; does not move them on.
    func listVideoTranslations(_ request: Request) throws -> Response {
        let (limit, offset) = try Self.pageParameters(request)
        let all = state.withLock { state in
            state.translations.values.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        }
        let page = all.dropFirst(offset).prefix(limit)
        let links = fileLinks()
        let hasMore = offset + page.count < all.count
        return JSONResponse.data([
            "video_translations": .array(page.map { .object(Self.translationMembers($0, links: links)) }),
            "has_more": .bool(hasMore),
            "next_token": hasMore ? .string(String(offset + page.count)) : .null,
        ])
    }

    /// The members describing `translation`, with fresh file URLs once completed.
    static func translationMembers(_ translation: SimulatedTranslation, links: FileLinks) -> [String: JSONValue] {
        let done = translation.outcome == .completed
        let captions = done && translation.captions
        return [
            "id": .string(translation.id),
            "status": .string(translationStatus(translation)),
            "output_language": .string(translation.languageCode),
            "input_language": .string("en-US"),
            "title": translation.title.map(JSONValue.string) ?? .null,
            "callback_id": translation.callbackID.map(JSONValue.string) ?? .null,
            "created_at": .number(translation.createdAt.timeIntervalSince1970.rounded(.down)),
            "video_url": done ? links.url(.video, of: translation.id) : .null,
            "audio_url": done ? links.url(.audio, of: translation.id) : .null,
            "srt_caption_url": captions ? links.url(.subtitles, of: translation.id) : .null,
            "vtt_caption_url": captions ? links.url(.vttCaptions, of: translation.id) : .null,
            "duration": done ? .number(61.2) : .null,
            "failure_message": translation.outcome == .failed
                ? .string("the simulated translation into \(translation.language) failed") : .null,
        ]
    }

    /// `pending`, `running`, `completed` or `failed`.
    static func translationStatus(_ translation: SimulatedTranslation) -> String {
        switch translation.outcome {
        case .completed?: "completed"
        case .failed?: "failed"
        case nil: translation.polls <= 1 && translation.pollsUntilCompleted > 2 ? "pending" : "running"
        }
    }
}

extension SimulatorState {
    /// Counts one poll of translation `id` and finishes it once it has had enough; nil when unknown.
    mutating func advanceTranslation(_ id: String) -> SimulatedTranslation? {
        guard var translation = translations[id] else { return nil }
        translation.polls += 1
        if translation.outcome == nil, translation.polls >= translation.pollsUntilCompleted {
            if translation.willFail {
                translation.outcome = .failed
                stats.faultsInjected["translation_failed", default: 0] += 1
            } else {
                translation.outcome = .completed
            }
        }
        translations[id] = translation
        return translation
    }

    /// Keeps at most as many translations as sessions are kept, dropping the oldest finished ones first.
    mutating func pruneTranslations() {
        let limit = retention.maxCount
        guard translations.count > limit else { return }
        let ordered = translations.values.sorted { ($0.outcome == nil ? 1 : 0, $0.createdAt) < ($1.outcome == nil ? 1 : 0, $1.createdAt) }
        for translation in ordered.prefix(translations.count - limit) {
            translations[translation.id] = nil
        }
    }
}
