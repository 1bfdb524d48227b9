#if canImport(Glibc)
import Glibc
import SystemSupport
#endif

extension HeyGenClient {
    /// For tools and tests: opens the file at `path` once (`O_NOFOLLOW|O_NONBLOCK`, so a symlink or FIFO is
    /// refused at once), takes its size from `fstat` of that descriptor, uploads it with
    /// `uploadAsset(file:fileName:idempotencyKey:)`, then closes it. A missing file is `vanished`; anything but
    /// a regular file is `unreadable`. The daemon does not use this: it opens inbox entries itself, relative to
    /// the inbox folder, and checks them before handing over the descriptor.
    public func uploadAsset(path: String, fileName: String, idempotencyKey: String) async throws(HeyGenError) -> UploadedAsset {
        guard HeyGenClient.isValidIdempotencyKey(idempotencyKey) else {
            throw HeyGenError(
                category: .rejected, message: "invalid Idempotency-Key (1–255 characters of A-Z a-z 0-9 _ : . - required)",
                isRetryable: false)
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw HeyGenError(category: .vanished, message: "\(fileName) no longer exists", isRetryable: false)
            }
            throw HeyGenError(
                category: .unreadable, message: "\(fileName) cannot be opened: \(lastErrnoText())", isRetryable: false)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw HeyGenError(category: .unreadable, message: "\(fileName) is not a regular file", isRetryable: false)
        }
        return try await uploadAsset(
            file: UploadFile(descriptor: fd, size: Int64(info.st_size)), fileName: fileName, idempotencyKey: idempotencyKey)
    }
}
