import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// The largest JSON body the direct upload routes read.
    static let maxDirectUploadRequestBytes = 64 * 1024

    /// `POST /v3/assets/direct-uploads`: checks the announced file (`filename`, a supported `content_type`,
    /// `size_bytes` from 1 to `directUpload.maxBytes`, an optional lowercase-hex `checksum_sha256`) and answers an
    /// asset id with a signed `upload_url` on this simulator's storage path (at the host the request named), valid for
    /// `directUpload.urlExpiresInSeconds`, and the `upload_headers` the `PUT` must carry.
    func beginDirectUpload(_ request: Request) async throws -> Response {
        let members = try await Self.jsonObject(request)
        guard let fileName = members["filename"]?.stringValue, (1...255).contains(fileName.utf8.count) else {
            throw SimulatorAPIError.badRequest("invalid_parameter", "filename must be 1-255 bytes", param: "filename")
        }
        guard let contentType = members["content_type"]?.stringValue,
            MediaType.allCases.contains(where: { $0.mimeType == contentType })
        else {
            throw SimulatorAPIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "content_type must be one of \(MediaType.allCases.map(\.mimeType).joined(separator: ", "))",
                param: "content_type")
        }
        guard case .number(let sizeValue)? = members["size_bytes"], sizeValue.rounded() == sizeValue, sizeValue >= 1,
            sizeValue < 9_007_199_254_740_992
        else {
            throw SimulatorAPIError.badRequest("invalid_parameter", "size_bytes must be a positive integer", param: "size_bytes")
        }
        let size = Int64(sizeValue)
        var checksum: String?
        if let value = members["checksum_sha256"], value != .null {
            guard let text = value.stringValue, text.utf8.count == 64,
                text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else {
                throw SimulatorAPIError.badRequest(
                    "invalid_parameter", "checksum_sha256 must be 64 lowercase hex digits", param: "checksum_sha256")
            }
            checksum = text
        }
        // The storage URL names the host the client reached this simulator by (it may be bound to all addresses).
        let authority = request.head.authority.flatMap { $0.isEmpty ? nil : $0 }
        guard let base = authority.map({ "http://\($0)" }) ?? baseURL else {
            throw SimulatorAPIError(.serviceUnavailable, code: "not_listening", message: "the simulator is not listening")
        }
        let now = Date()
        let (record, faults, url) = try state.withLock { state -> (DirectUploadRecord, DirectUploadFaults, String) in
            let faults = state.faults.directUpload
            guard size <= faults.maxBytes else {
                throw SimulatorAPIError(
                    .contentTooLarge, code: "file_too_large",
                    message: "file is \(size) bytes; this upload may be at most \(faults.maxBytes) bytes", param: "size_bytes")
            }
            let record = DirectUploadRecord(
                id: makeIdentifier("asset_"), fileName: fileName, contentType: contentType, sizeBytes: size,
                checksum: checksum, expiresAt: Int64(now.timeIntervalSince1970.rounded(.down)) + Int64(faults.urlExpiresInSeconds),
                createdAt: now)
            state.directUploads[record.id] = record
            state.pruneDirectUploads()
            state.stats.directUploadsBegun += 1
            let signature = StorageSignature.sign(
                assetID: record.id, expires: record.expiresAt, size: size, secret: state.storageSecret)
            let url = "\(base)\(Self.storagePathPrefix)\(record.id)?expires=\(record.expiresAt)&size=\(size)&signature=\(signature)"
            return (record, faults, url)
        }
        return JSONResponse.data([
            "asset_id": .string(record.id),
            "upload_url": .string(url),
            "upload_headers": .object(record.uploadHeaders.mapValues(JSONValue.string)),
            "expires_in_seconds": .number(Double(faults.urlExpiresInSeconds)),
            "max_bytes": .number(Double(faults.maxBytes)),
            "status": .string("pending_upload"),
        ])
    }

    /// `POST /v3/assets/{id}/complete`: once storage accepted the bytes (and the optional `checksum_sha256`
    /// matches them), checks their type and makes the asset usable; it is then `processing` for
    /// `directUpload.pollsUntilReady` status polls. Idempotent: a repeated complete answers the same.
    func completeDirectUpload(id: String, _ request: Request) async throws -> Response {
        let members = try await Self.jsonObject(request)
        let checksum = members["checksum_sha256"]?.stringValue
        let (record, status, failAnswer) = try state.withLock { state -> (DirectUploadRecord, String, Bool) in
            guard var record = state.directUploads[id] else {
                throw SimulatorAPIError(.notFound, code: "asset_not_found", message: "no direct upload \(id)")
            }
            guard let received = record.received else {
                throw SimulatorAPIError.badRequest("upload_incomplete", "storage has not received the file of \(id)")
            }
            if let checksum, checksum.lowercased() != received.sha256 {
                throw SimulatorAPIError.badRequest(
                    "checksum_mismatch", "checksum_sha256 does not match the stored bytes", param: "checksum_sha256")
            }
            if record.completion == nil {
                guard let mediaType = MediaType.detect(received.prefix) else {
                    throw SimulatorAPIError(
                        .unsupportedMediaType, code: "unsupported_media_type",
                        message: "the stored bytes are not of a supported type")
                }
                let fails = state.inject("direct_asset_failed", rate: state.faults.directUpload.assetFailureRate)
                record.completion = .init(
                    mediaType: mediaType, pollsUntilReady: max(0, state.faults.directUpload.pollsUntilReady), fails: fails)
                state.assets[id] = StoredAsset(
                    id: id, mediaType: mediaType, sizeBytes: record.sizeBytes, fileName: record.fileName,
                    sha256: received.sha256)
                state.prune(now: Date())
                state.stats.directUploadsCompleted += 1
            }
            let status = record.status(counting: false)
            state.directUploads[id] = record
            var failAnswer = false
            if state.faults.directUpload.completeErrors > 0 {
                state.faults.directUpload.completeErrors -= 1
                state.stats.faultsInjected["direct_complete_error", default: 0] += 1
                failAnswer = true
            }
            return (record, status, failAnswer)
        }
        if failAnswer {
            throw SimulatorAPIError(.internalServerError, code: "internal_error", message: "simulated error after completing")
        }
        let mediaType = record.completion?.mediaType ?? .mp4
        return JSONResponse.data([
            "asset_id": .string(record.id),
            "url": .string("https://files.heygen-simulator.invalid/assets/\(record.id).\(mediaType.rawValue)"),
            "mime_type": .string(mediaType.mimeType),
            "size_bytes": .number(Double(record.sizeBytes)),
            "status": .string(status),
        ])
    }

    /// `GET /v3/assets/statuses?asset_ids=a,b,…` (1–100 ids): each as `{"video_id": id, "status", "error"}`.
    /// A direct upload is `queued` until completed, then `processing` for its polls, then `completed` or
    /// `failed`; an asset uploaded by `POST /v3/assets` is `completed`; an unknown id is `not_found`.
    func assetStatuses(_ request: Request) throws -> Response {
        let raw = request.uri.queryParameters.get("asset_ids") ?? ""
        let ids = raw.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        guard (1...100).contains(ids.count) else {
            throw SimulatorAPIError.badRequest("invalid_parameter", "asset_ids must list 1 to 100 ids", param: "asset_ids")
        }
        let entries = state.withLock { state -> [JSONValue] in
            ids.map { id in
                var status = "not_found"
                var error = JSONValue.null
                if var record = state.directUploads[id] {
                    status = record.status(counting: true)
                    state.directUploads[id] = record
                    if status == "failed" {
                        error = .object([
                            "code": .string("asset_processing_failed"),
                            "message": .string("the simulated processor could not use the file"),
                        ])
                    }
                } else if state.assets[id] != nil {
                    status = "completed"
                }
                return .object(["video_id": .string(id), "status": .string(status), "error": error])
            }
        }
        return JSONResponse.make(JSONValue.object(["data": .array(entries)]))
    }

    /// The request's body as a JSON object (an empty body is an empty object), at most
    /// `maxDirectUploadRequestBytes`.
    static func jsonObject(_ request: Request) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxDirectUploadRequestBytes)
        } catch {
            throw SimulatorAPIError(.contentTooLarge, code: "request_too_large", message: "the JSON body is too large")
        }
        if buffer.readableBytes == 0 { return [:] }
        guard let members = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)))?.objectValue else {
            throw SimulatorAPIError.badRequest("invalid_json", "the request body must be a JSON object")
        }
        return members
    }
}
