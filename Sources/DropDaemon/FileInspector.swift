import Crypto
import HeyGenAPI
import NIOCore
import NIOFileSystem
#if canImport(Glibc)
import Glibc
#endif

/// What the local checks learned about one file before any upload.
public struct InspectedFile: Sendable, Equatable, Codable {
    /// The file's name (in the inbox, or inside its bundle).
    public var name: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    /// The file's size in bytes.
    public var sizeBytes: Int64
    /// The type recognised from its first bytes.
    public var mediaType: MediaType
}

/// The local checks: the file is there, readable, not empty, not too large, of a supported type by its bytes.
///
/// The file is streamed once in chunks, so a 32 MB file is hashed without being held in memory.
public enum FileInspector {
    /// Inspects the regular file at `path`, reported under `name`; throws `LocalProblem` when it must not be uploaded.
    public static func inspect(path: String, name: String) async throws -> InspectedFile {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR {
                throw LocalProblem(.vanished, "\(name) was removed from the inbox before it could be uploaded")
            }
            throw LocalProblem(.unreadable, "cannot read \(name): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LocalProblem(.unreadable, "\(name) is no longer a regular file")
        }
        let size = Int64(info.st_size)
        if size == 0 {
            throw LocalProblem(.emptyFile, "\(name) is empty (0 bytes)")
        }
        if size > MediaType.maxUploadBytes {
            throw LocalProblem(
                .tooLarge, "\(name) is \(size) bytes; the API accepts at most \(MediaType.maxUploadBytes) bytes (32 MB)")
        }
        do {
            return try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                var hasher = SHA256()
                var prefix: [UInt8] = []
                var total: Int64 = 0
                for try await chunk in handle.readChunks(chunkLength: .kibibytes(128)) {
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    if prefix.count < MediaType.sniffLength {
                        prefix += chunk.getBytes(at: chunk.readerIndex, length: min(chunk.readableBytes, MediaType.sniffLength - prefix.count)) ?? []
                        if prefix.count >= MediaType.sniffLength || total + Int64(chunk.readableBytes) >= size {
                            guard MediaType.detect(prefix) != nil else { break }
                        }
                    }
                    total += Int64(chunk.readableBytes)
                }
                guard let type = MediaType.detect(prefix) else {
                    throw LocalProblem(
                        .unsupportedType,
                        "\(name) is not a supported type (png, jpeg, mp4, webm, mp3, wav or pdf, judged by its content)")
                }
                if total == 0 {
                    throw LocalProblem(.emptyFile, "\(name) is empty (0 bytes)")
                }
                if total > MediaType.maxUploadBytes {
                    throw LocalProblem(.tooLarge, "\(name) grew past \(MediaType.maxUploadBytes) bytes while being read")
                }
                let digest = hasher.finalize().map { byte in
                    let hex = String(byte, radix: 16)
                    return byte < 16 ? "0" + hex : hex
                }.joined()
                return InspectedFile(name: name, sha256: digest, sizeBytes: total, mediaType: type)
            }
        } catch let problem as LocalProblem {
            throw problem
        } catch let error as FileSystemError {
            switch error.code {
            case .notFound:
                throw LocalProblem(.vanished, "\(name) was removed from the inbox before it could be uploaded")
            default:
                throw LocalProblem(.unreadable, "cannot read \(name): \(error.message)")
            }
        }
    }
}
