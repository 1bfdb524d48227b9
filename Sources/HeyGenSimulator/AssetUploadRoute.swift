import Foundation
import HeyGenAPI
import Hummingbird

/// How long an `Idempotency-Key`'s answer is replayed.
let idempotencyWindow: TimeInterval = 24 * 3600

extension HeyGenSimulator {
    /// `POST /v3/assets`: one multipart part named `file`, streamed, measured and sniffed as it
    /// arrives; honours `Idempotency-Key`.
    func uploadAsset(_ request: Request) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            return try await receiveAsset(request)
        }
        guard Self.isValidIdempotencyKey(key) else {
            try await request.body.drain()
            throw SimulatorAPIError.badRequest(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1-255 characters of A-Z a-z 0-9 _ : . -",
                param: "Idempotency-Key"
            )
        }
        enum Start { case started, running, replay(StoredResponse) }
        let start = state.withLock { state -> Start in
            switch state.idempotency[key] {
            case .inProgress:
                return .running
            case .completed(let stored, let at) where Date().timeIntervalSince(at) < idempotencyWindow:
                state.stats.idempotentReplays += 1
                return .replay(stored)
            case .completed, nil:
                state.idempotency[key] = .inProgress
                return .started
            }
        }
        switch start {
        case .running:
            try await request.body.drain()
            throw SimulatorAPIError(
                .conflict, code: "request_in_progress",
                message: "a request with this Idempotency-Key is still being processed",
                param: "Idempotency-Key"
            )
        case .replay(let stored):
            try await request.body.drain()
            return JSONResponse.make(
                status: HTTPResponse.Status(code: stored.status), bytes: stored.body,
                headers: [.idempotentReplayed: "true"]
            )
        case .started:
            break
        }
        do {
            let (response, stored) = try await receiveAssetStored(request)
            state.withLock { state in
                state.idempotency[key] = .completed(stored, at: Date())
                state.prune(now: Date())
            }
            return response
        } catch {
            // Only a successful upload is remembered: a retry of a failed one is processed afresh.
            _ = state.withLock { $0.idempotency.removeValue(forKey: key) }
            throw error
        }
    }

    /// True for 1–255 characters of `[A-Za-z0-9_:.-]`.
    static func isValidIdempotencyKey(_ key: String) -> Bool {
        let utf8 = key.utf8
        guard (1...255).contains(utf8.count) else { return false }
        return utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "."), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    private func receiveAsset(_ request: Request) async throws -> Response {
        try await receiveAssetStored(request).response
    }

    /// Reads the whole body (never holding more than a chunk of it), then answers: the asset,
    /// or why it was refused.
    private func receiveAssetStored(_ request: Request) async throws -> (response: Response, stored: StoredResponse) {
        guard let contentType = request.headers[.contentType].map(HeaderParameters.init),
            contentType.value == "multipart/form-data",
            let boundary = contentType.parameters["boundary"], (1...70).contains(boundary.utf8.count)
        else {
            try await request.body.drain()
            throw SimulatorAPIError.badRequest(
                "invalid_request", "expected a multipart/form-data body with a boundary", param: "file")
        }
        let reader = MultipartUploadReader(boundary: boundary)
        var refusal: MultipartUploadError?
        for try await chunk in request.body {
            guard refusal == nil, !reader.isComplete else { continue }  // keep draining
            do {
                try reader.feed(chunk)
            } catch {
                refusal = error
            }
        }
        let upload: ReceivedFile
        do throws(MultipartUploadError) {
            if let refusal { throw refusal }
            upload = try reader.finish()
        } catch {
            if error.isMalformed {
                throw SimulatorAPIError.badRequest("invalid_multipart", error.message)
            }
            throw SimulatorAPIError.badRequest("invalid_request", error.message, param: "file")
        }
        guard upload.sizeBytes <= MediaType.maxUploadBytes else {
            throw SimulatorAPIError(
                .contentTooLarge, code: "file_too_large",
                message: "file is \(upload.sizeBytes) bytes; the limit is \(MediaType.maxUploadBytes) bytes",
                param: "file"
            )
        }
        guard upload.sizeBytes > 0 else {
            throw SimulatorAPIError.badRequest("empty_file", "the file is empty", param: "file")
        }
        guard let mediaType = MediaType.detect(upload.prefix) else {
            throw SimulatorAPIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "unsupported file type; accepted: png, jpeg, mp4, webm, mp3, wav, pdf, srt",
                param: "file"
            )
        }
        let asset = StoredAsset(
            id: makeIdentifier("asset_"), mediaType: mediaType, sizeBytes: upload.sizeBytes, fileName: upload.fileName)
        state.withLock { state in
            state.assets[asset.id] = asset
            state.prune(now: asset.storedAt)
            state.stats.uploads += 1
            state.stats.uploadedBytes += asset.sizeBytes
        }
        let body = JSONResponse.encode(
            JSONValue.object([
                "data": .object([
                    "asset_id": .string(asset.id),
                    "url": .string("https://files.heygen-simulator.invalid/assets/\(asset.id).\(mediaType.rawValue)"),
                    "mime_type": .string(mediaType.mimeType),
                    "size_bytes": .number(Double(asset.sizeBytes)),
                ])
            ])
        )
        return (JSONResponse.make(status: .ok, bytes: body), StoredResponse(status: 200, body: body))
    }
}
