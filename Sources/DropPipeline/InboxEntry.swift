import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One inbox entry (a dropped file, a sidecar, a bundle or a bundle member) opened once, relative to the
/// descriptor of the folder holding it, with `O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC|O_NOCTTY`.
///
/// Everything the daemon learns about the entry comes from this descriptor: its type and identity from
/// `fstat`, its bytes from `pread` at offsets (never from its name again). The open never follows a
/// symlink and never blocks (a FIFO opens at once, and `fstat` then says it is not a regular file).
/// The descriptor is closed when the value is released; callers must not close it.
/// The calls here block on the file system: run them through `BlockingIO`.
final class InboxEntry: Sendable {
    /// The open descriptor.
    let descriptor: Int32
    /// The name it was opened by, relative to its folder (for messages).
    let name: String
    /// Who it is, from `fstat` of the descriptor right after the open.
    let identity: EntryIdentity
    /// What it is, from the same `fstat`.
    let type: EntryType

    /// The flags of every open of an entry (plus `O_DIRECTORY` for a bundle).
    static let openFlags: Int32 = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY

    /// The type of an opened entry.
    enum EntryType: Equatable, Sendable {
        case regular, directory
        /// Anything else (FIFO, socket, device), with a short word for messages.
        case other(String)
    }

    /// Why an entry could not be opened.
    enum OpenFailure: Error, Equatable {
        /// Nothing under that name (any more).
        case missing
        /// A symlink: never followed.
        case symlink
        /// A socket (which cannot be opened) or, for a bundle, something that is not a directory.
        case wrongType
        /// Held by a lease of another program: opening it would wait.
        case busy
        /// Any other failure, with its `errno`.
        case failed(Int32)
    }

    private init(descriptor: Int32, name: String, info: stat) {
        self.descriptor = descriptor
        self.name = name
        self.identity = EntryIdentity(info)
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFIFO: type = .other("a FIFO")
        case S_IFSOCK: type = .other("a socket")
        case S_IFCHR: type = .other("a character device")
        case S_IFBLK: type = .other("a block device")
        default: type = .other("not a regular file")
        }
    }

    deinit { close(descriptor) }

    /// Opens a configured folder (the inbox) by its path, which the operator chose and may lead through symlinks.
    static func openFolder(path: String) throws -> InboxEntry {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError("cannot open \(path): \(FileIO.lastError())") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let text = FileIO.lastError()
            close(fd)
            throw FileIOError("cannot examine \(path): \(text)")
        }
        return InboxEntry(descriptor: fd, name: path, info: info)
    }

    /// Opens the entry `name` (one path component) of the folder `folder`; with `directory`, only a directory opens.
    static func open(_ name: String, in folder: InboxEntry, directory: Bool = false) -> Result<InboxEntry, OpenFailure> {
        guard isPlainName(name) else { return .failure(.missing) }
        let flags = openFlags | (directory ? O_DIRECTORY : 0)
        var fd: Int32
        repeat { fd = openat(folder.descriptor, name, flags) } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let code = errno
            if code == ENOTDIR, directory {
                // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR: tell a symlink apart.
                var info = stat()
                if fstatat(folder.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK {
                    return .failure(.symlink)
                }
            }
            switch code {
            // Nothing can be under a name longer than the file system allows (a sidecar of a long name).
            case ENOENT, ENAMETOOLONG: return .failure(.missing)
            case ELOOP: return .failure(.symlink)
            case ENOTDIR, ENXIO, ENODEV, EOPNOTSUPP: return .failure(.wrongType)
            case EAGAIN: return .failure(.busy)
            case let code: return .failure(.failed(code))
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            return .failure(.failed(code))
        }
        return .success(InboxEntry(descriptor: fd, name: name, info: info))
    }

    /// The identity of the entry now under `name` in `folder` (`fstatat` without following a symlink),
    /// nil when nothing is there; `isRegularOrDirectory` false for anything else (a symlink, a FIFO, ...).
    static func status(of name: String, in folder: InboxEntry) -> (identity: EntryIdentity, isRegularOrDirectory: Bool)? {
        guard isPlainName(name) else { return nil }
        var info = stat()
        guard fstatat(folder.descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        let format = info.st_mode & S_IFMT
        return (EntryIdentity(info), format == S_IFREG || format == S_IFDIR)
    }

    /// True for a name that is one path component: not empty, no `/`, not `.` or `..`.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/"))
    }

    /// The identity the descriptor has now (a second `fstat`), nil if that fails.
    func currentIdentity() -> EntryIdentity? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return EntryIdentity(info)
    }

    /// Reads up to `buffer.count` bytes at `offset` (`pread`, retried on `EINTR`); 0 at the end of the file.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw FileIOError("cannot read \(name): \(FileIO.lastError())")
        }
    }

    /// The whole content when it is at most `limit` bytes, nil when there is more; never reads past `limit + 1` bytes.
    func readBounded(limit: Int) throws -> Data? {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let wanted = min(chunk.count, limit + 1 - data.count)
            let count = try chunk.withUnsafeMutableBytes { raw in
                try read(at: Int64(data.count), into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<wanted]))
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[0..<count])
            if data.count > limit { return nil }
        }
    }

    /// The names in this directory (not `.` and `..`), listed through a duplicate of the descriptor.
    func memberNames() throws -> [String] {
        let copy = dup(descriptor)
        guard copy >= 0 else { throw FileIOError("cannot list \(name): \(FileIO.lastError())") }
        guard let stream = fdopendir(copy) else {
            let text = FileIO.lastError()
            close(copy)
            throw FileIOError("cannot list \(name): \(text)")
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let record = readdir(stream) {
            let member = withUnsafeBytes(of: record.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if member != "." && member != ".." { names.append(member) }
        }
        return names
    }
}
