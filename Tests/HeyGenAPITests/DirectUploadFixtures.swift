import Crypto
import Foundation
import HeyGenAPI
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A file on disk for direct upload tests: an MP4 signature followed by a repeated pattern (written quickly,
/// not sparse), its SHA-256 computed while writing.
struct DirectUploadFile {
    let path: String
    let size: Int64
    let sha256: String

    /// Writes `size` bytes (at least 64) to `path`, on a thread of its own (the writing and hashing block).
    static func write(to path: String, size: Int64) async throws -> DirectUploadFile {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try writeBlocking(to: path, size: size) }) }.start()
        }
    }

    private static func writeBlocking(to path: String, size: Int64) throws -> DirectUploadFile {
        let chunkSize = 1 << 20
        var pattern = [UInt8](repeating: 0, count: chunkSize)
        for index in pattern.indices { pattern[index] = UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13) }
        let head = SampleMedia.signature(.mp4)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        var written: Int64 = 0
        while written < size {
            var chunk = Array(pattern.prefix(Int(min(Int64(chunkSize), size - written))))
            if written == 0 { chunk.replaceSubrange(0..<min(head.count, chunk.count), with: head.prefix(chunk.count)) }
            hasher.update(data: chunk)
            try handle.write(contentsOf: chunk)
            written += Int64(chunk.count)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return DirectUploadFile(path: path, size: size, sha256: digest)
    }

    /// Runs `body` with the file open read-only, closing it afterwards.
    func withDescriptor<T>(_ body: (UploadFile) async throws -> T) async throws -> T {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw HarnessError(description: "cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        return try await body(UploadFile(descriptor: descriptor, size: size))
    }
}

extension HeyGenClient {
    /// Begin, PUT and complete for `file` as an MP4, each once; returns the grant and the completion.
    func directUpload(_ file: DirectUploadFile, checksum: Bool = true) async throws -> (DirectUploadGrant, CompletedDirectUpload) {
        let grant = try await beginDirectUpload(
            filename: "clip.mp4", contentType: "video/mp4", sizeBytes: file.size, checksumSHA256: checksum ? file.sha256 : nil)
        try await file.withDescriptor { source in
            try await putDirectUpload(url: grant.uploadURL, headers: grant.uploadHeaders, file: source)
        }
        let completed = try await completeDirectUpload(assetID: grant.assetID, checksumSHA256: checksum ? file.sha256 : nil)
        return (grant, completed)
    }
}
