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

    /// Reads the whole body (never holding more than a chunk of it), parsing it with multipart-kit on NIO's
    /// thread pool until it breaks a limit or a rule, then answers: the asset, or why it was refused.
    private func receiveAssetStored(_ request: Request) async throws -> (response: Response, stored: StoredResponse) {
        guard let contentType = request.headers[.contentType].map(HeaderParameters.init),
            contentType.value == "multipart/form-data",
            let boundary = contentType.parameters["boundary"], (1...70).contains(boundary.utf8.count)
        else {
            try await request.body.drain()
            throw SimulatorAPIError.badRequest(
                "invalid_request", "expected a multipart/form-data body with a boundary", param: "file")
        }
        let limits = self.limits
        let reader = PooledMultipartReader(boundary: boundary, limits: limits)
        // A body declared longer than the limits allow is refused unparsed.
        let declared = request.headers[.contentLength].flatMap { Int64($0) }
        var failure: (any Error)? = declared.map { $0 > limits.maxBodyBytes } == true
            ? MultipartUploadReader.Failure.bodyTooLarge : nil
        var received: Int64 = 0
        for try await chunk in request.body {
            received += Int64(chunk.readableBytes)
            guard failure == nil else { continue }  // read to the end, so the answer does not race the upload
            do { try await reader.feed(chunk) } catch { failure = error }
        }
        state.withLock { $0.stats.uploadBodyBytes += received }
        let upload: MultipartUploadReader.Summary
        do {
            if let failure { throw failure }
            upload = try await reader.finish()
        } catch MultipartUploadReader.Failure.bodyTooLarge, MultipartUploadReader.Failure.fileTooLarge {
            throw Self.fileTooLarge(limits)
        } catch let failure as MultipartUploadReader.Failure {
            throw SimulatorAPIError.badRequest("invalid_multipart", "malformed multipart body: \(failure)")
        }
        guard upload.fileParts == 1 else {
            throw SimulatorAPIError.badRequest(
                "invalid_request",
                upload.fileParts == 0 ? "missing multipart part named file" : "more than one part named file",
                param: "file"
            )
        }
        guard upload.fileBytes > 0 else {
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
            id: makeIdentifier("asset_"), mediaType: mediaType, sizeBytes: upload.fileBytes, fileName: upload.fileName,
            sha256: upload.sha256)
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

    /// The answer to a file over the limit.
    private static func fileTooLarge(_ limits: SimulatorLimits) -> SimulatorAPIError {
        SimulatorAPIError(
            .contentTooLarge, code: "file_too_large",
            message: "the file is larger than the limit of \(limits.maxUploadBytes) bytes", param: "file"
        )
    }
}
