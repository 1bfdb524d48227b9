import Crypto
import HeyGenAPI
#if canImport(Glibc)
import Glibc
import SystemSupport
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
    /// Who the file was when it was read (nil in records older than identities): the upload opens it again
    /// and goes on only if it is still this file, unchanged.
    public var identity: EntryIdentity?
}

/// The local checks: the entry is a regular file, not empty, not too large, of a supported type by its bytes.
///
/// Everything is read through the entry's descriptor (never by name): type and size from its `fstat`, then its
/// bytes with `pread`, at most the size `fstat` gave, in chunks (a large file is never held in memory). A file
/// over the limit is refused without reading a byte; one that changes while being read throws `SourceChanged`.
/// The calls block: run them through `BlockingIO`.
enum FileInspector {
    /// The size of each read.
    static let chunkLength = 128 * 1024

    /// Opens the regular file `name` in `folder` (reported as `label`); throws `LocalProblem` when it is gone,
    /// a symlink, a FIFO, a socket, a device or a directory, or cannot be opened.
    static func open(_ name: String, in folder: InboxEntry, label: String) throws -> InboxEntry {
        switch InboxEntry.open(name, in: folder) {
        case .success(let entry):
            switch entry.type {
            case .regular: return entry
            case .directory: throw LocalProblem(.unsupportedType, "\(label) is now a folder, not a regular file")
            case .other(let what): throw LocalProblem(.unsupportedType, "\(label) is \(what), not a regular file")
            }
        case .failure(.failed(let code)) where code == EACCES || code == EPERM:
            throw LocalProblem(.unreadable, AccessDenial.describe(name, in: folder, label: label))
        case .failure(let failure):
            throw problem(failure, label: label)
        }
    }

    /// The `LocalProblem` for an entry that could not be opened.
    static func problem(_ failure: InboxEntry.OpenFailure, label: String) -> LocalProblem {
        switch failure {
        case .missing: LocalProblem(.vanished, "\(label) was removed from the inbox before it could be uploaded")
        case .symlink: LocalProblem(.unsupportedType, "\(label) is a symlink; symlinks are never followed")
        case .wrongType: LocalProblem(.unsupportedType, "\(label) is not a regular file")
        case .busy: LocalProblem(.unreadable, "\(label) is held by another program's lease")
        case .failed(let code): LocalProblem(.unreadable, "cannot read \(label): \(errnoText(code))")
        }
    }

    /// The default of `maxFileBytes`: 5 GiB.
    static let defaultMaxFileBytes: Int64 = 5 * 1024 * 1024 * 1024

    /// Checks and hashes the open regular file `entry`, reported under `name`; a file over `maxFileBytes` is
    /// `too_large` without a byte read.
    static func inspect(_ entry: InboxEntry, name: String, maxFileBytes: Int64 = defaultMaxFileBytes) throws -> InspectedFile {
        let size = entry.identity.size
        if size == 0 {
            throw LocalProblem(.emptyFile, "\(name) is empty (0 bytes)")
        }
        if size > maxFileBytes {
            throw LocalProblem(
                .tooLarge, "\(name) is \(size) bytes; at most \(maxFileBytes) bytes are accepted (max_file_bytes)")
        }
        var hasher = SHA256()
        var prefix: [UInt8] = []
        var total: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: chunkLength)
        while total < size {
            let wanted = Int(min(Int64(chunkLength), size - total))
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBytes { raw in
                    try entry.read(at: total, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<wanted]))
                }
            } catch {
                throw LocalProblem(.unreadable, "\(error)")
            }
            if count == 0 {
                // It shrank while being read.
                throw SourceChanged()
            }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            if prefix.count < MediaType.sniffLength {
                prefix += chunk[0..<min(count, MediaType.sniffLength - prefix.count)]
                if prefix.count >= MediaType.sniffLength || total + Int64(count) >= size, MediaType.detect(prefix) == nil {
                    break
                }
            }
            total += Int64(count)
        }
        guard let type = MediaType.detect(prefix) else {
            throw LocalProblem(
                .unsupportedType,
                "\(name) is not a supported type (png, jpeg, mp4, webm, mp3, wav, pdf or srt, judged by its content)")
        }
        // Written, truncated or re-stamped while it was read: what was hashed may not be what it holds.
        guard let now = entry.currentIdentity(), now.isUnchanged(comparedWith: entry.identity) else {
            throw SourceChanged()
        }
        let digest = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return InspectedFile(name: name, sha256: digest, sizeBytes: size, mediaType: type, identity: entry.identity)
    }
}
