import Crypto
import Foundation
import HeyGenAPI
import Hummingbird

extension HeyGenSimulator {
    /// Where the simulator's storage receives direct uploads (apart from `/v3`; no API key, no API faults).
    static let storagePathPrefix = "/_storage/"

    /// `PUT /_storage/{asset id}?expires=…&size=…&signature=…`: storage for direct uploads. Refuses, in this
    /// order: any request carrying `X-Api-Key` (`400 api_key_not_allowed`, counted in `stats.storageKeyLeaks`),
    /// a bad signature or signed header (`403 signature_mismatch`), an expired URL (`403 url_expired`), a missing
    /// or different `Content-Length` (`411`/`400 content_length_mismatch`), and bytes whose SHA-256 differs from
    /// the one announced at begin (`400 checksum_mismatch`). The body is hashed and discarded as it arrives
    /// (only its first bytes are kept), so a multi-GiB upload takes no more memory than a small one. Refused
    /// requests are read to their end before the answer. The `directUpload` faults `putExpired`, `putErrors` and
    /// `putCuts` act here.
    func storagePut(id: String, _ request: Request) async throws -> Response {
        let verdict = state.withLock { state in
            Self.screenStoragePut(id: id, request, state: &state, now: Int64(Date().timeIntervalSince1970.rounded(.down)))
        }
        switch verdict {
        case .refuse(let error):
            try await request.body.drain()
            throw error
        case .serverError:
            try await request.body.drain()
            throw SimulatorAPIError(.internalServerError, code: "internal_error", message: "simulated storage error")
        case .cut(let size):
            var received: Int64 = 0
            for try await chunk in request.body {
                received += Int64(chunk.readableBytes)
                if received >= max(1, size / 2) { break }
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(contentLength: 64) { writer in
                    try await writer.write(ByteBuffer(string: "{"))
                    throw ConnectionCut()
                })
        case .accept(let record):
            return try await receiveStoredBytes(record, request)
        }
    }

    /// Hashes and counts the body, keeping only its first bytes; then checks it against the upload's record.
    private func receiveStoredBytes(_ record: DirectUploadRecord, _ request: Request) async throws -> Response {
        var hasher = SHA256()
        var prefix: [UInt8] = []
        var received: Int64 = 0
        for try await chunk in request.body {
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            if prefix.count < MediaType.sniffLength {
                prefix += chunk.getBytes(at: chunk.readerIndex, length: min(chunk.readableBytes, MediaType.sniffLength - prefix.count)) ?? []
            }
            received += Int64(chunk.readableBytes)
        }
        let sha256 = StorageSignature.hex(hasher.finalize())
        guard received == record.sizeBytes else {
            throw SimulatorAPIError.badRequest(
                "content_length_mismatch", "received \(received) bytes; the URL is signed for \(record.sizeBytes)")
        }
        if let checksum = record.checksum, checksum != sha256 {
            throw SimulatorAPIError.badRequest("checksum_mismatch", "the bytes do not match the checksum given at begin")
        }
        state.withLock { state in
            state.directUploads[record.id]?.received = .init(sha256: sha256, prefix: prefix)
            state.stats.directPutsAccepted += 1
            state.stats.directPutBytes += received
        }
        return Response(status: .ok, headers: [.eTag: "\"\(sha256.prefix(32))\""], body: .init())
    }

    /// What to do with a storage request, decided from its headers and URL alone.
    enum StorageVerdict {
        case refuse(SimulatorAPIError)
        case serverError
        case cut(size: Int64)
        case accept(DirectUploadRecord)
    }

    /// Counts the request and checks key, signature, expiry, signed headers and length; then applies the faults.
    static func screenStoragePut(id: String, _ request: Request, state: inout SimulatorState, now: Int64) -> StorageVerdict {
        state.stats.directPuts += 1
        state.stats.directPutsByAsset[id, default: 0] += 1
        state.stats.lastStorageHeaderNames = Set(request.headers.map { $0.name.canonicalName }).sorted()
        if request.headers[.xAPIKey] != nil {
            state.stats.storageKeyLeaks += 1
            return .refuse(
                .badRequest("api_key_not_allowed", "storage must not receive the API key: the URL is the credential"))
        }
        let query = request.uri.queryParameters
        let mismatch = SimulatorAPIError(.forbidden, code: "signature_mismatch", message: "the request does not match its signature")
        guard let expires = query.get("expires").flatMap({ Int64($0) }), let size = query.get("size").flatMap({ Int64($0) }),
            let signature = query.get("signature"),
            StorageSignature.isValid(signature, assetID: id, expires: expires, size: size, secret: state.storageSecret),
            let record = state.directUploads[id], record.sizeBytes == size, record.expiresAt == expires
        else { return .refuse(mismatch) }
        let expired = SimulatorAPIError(.forbidden, code: "url_expired", message: "the upload URL has expired")
        if now >= expires { return .refuse(expired) }
        if state.faults.directUpload.putExpired > 0 {
            state.faults.directUpload.putExpired -= 1
            state.stats.faultsInjected["direct_put_expired", default: 0] += 1
            return .refuse(expired)
        }
        for (name, value) in record.uploadHeaders {
            guard let field = HTTPFields.Element.Name(name), request.headers[values: field] == [value] else {
                return .refuse(
                    SimulatorAPIError(.forbidden, code: "signature_mismatch", message: "the signed header \(name) is missing or different"))
            }
        }
        guard let lengthText = request.headers[.contentLength] else {
            return .refuse(SimulatorAPIError(.init(code: 411), code: "length_required", message: "a Content-Length is required"))
        }
        guard Int64(lengthText) == size else {
            return .refuse(.badRequest("content_length_mismatch", "Content-Length \(lengthText) differs from the signed size \(size)"))
        }
        if state.faults.directUpload.putCuts > 0 {
            state.faults.directUpload.putCuts -= 1
            state.stats.faultsInjected["direct_put_cut", default: 0] += 1
            return .cut(size: size)
        }
        if state.faults.directUpload.putErrors > 0 {
            state.faults.directUpload.putErrors -= 1
            state.stats.faultsInjected["direct_put_error", default: 0] += 1
            return .serverError
        }
        return .accept(record)
    }
}
