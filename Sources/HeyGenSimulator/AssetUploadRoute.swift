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
        var parser = MultipartStreamParser(boundary: boundary)
        var upload = IncomingUpload()
        var parseError: (any Error)?
        for try await chunk in request.body {
            guard parseError == nil, !parser.isComplete else { continue }  // keep draining
            do {
                try parser.feed(chunk.readableBytesView) { upload.handle($0) }
            } catch {
                parseError = error
            }
        }
        if parseError == nil {
            do { try parser.finish() } catch { parseError = error }
        }
        if let parseError {
            throw SimulatorAPIError.badRequest("invalid_multipart", "malformed multipart body: \(parseError)")
        }
        guard upload.fileParts == 1 else {
            throw SimulatorAPIError.badRequest(
                "invalid_request",
                upload.fileParts == 0 ? "missing multipart part named file" : "more than one part named file",
                param: "file"
            )
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

/// What has been learned about the `file` part of an upload so far.
private struct IncomingUpload {
    var fileParts = 0
    var inFilePart = false
    var sizeBytes: Int64 = 0
    var prefix: [UInt8] = []
    var fileName: String?

    mutating func handle(_ event: MultipartStreamParser.Event) {
        switch event {
        case .partBegin(let headers):
            inFilePart = headers.formName == "file"
            if inFilePart {
                fileParts += 1
                fileName = headers.fileName
            }
        case .data(let bytes):
            guard inFilePart, fileParts == 1 else { return }
            sizeBytes += Int64(bytes.count)
            if prefix.count < MediaType.sniffLength {
                prefix.append(contentsOf: bytes.prefix(MediaType.sniffLength - prefix.count))
            }
        case .partEnd:
            inFilePart = false
        }
    }
}
