import Glibc

/// What `lstat` says about one path, never following a symlink.
struct FileStatus {
    /// The type of the entry.
    enum Kind: Equatable {
        case regular, directory, symlink, fifo, socket, characterDevice, blockDevice, unknown

        /// A short human word for logs ("fifo", "symlink", ...).
        var label: String {
            switch self {
            case .regular: "regular file"
            case .directory: "directory"
            case .symlink: "symlink"
            case .fifo: "fifo"
            case .socket: "socket"
            case .characterDevice: "character device"
            case .blockDevice: "block device"
            case .unknown: "unknown file type"
            }
        }
    }

    var kind: Kind
    var linkCount: UInt
    var size: Int64
    /// "dev:ino:size:mtime_ns"
    var fingerprint: String

    /// The status of `path`, or nil when it does not exist (or cannot be examined).
    static func of(_ path: String) -> FileStatus? {
        of(bytes: Array(path.utf8))
    }

    /// The status of the path given as raw bytes (without the terminating NUL), for names that are not
    /// valid UTF-8; nil when it does not exist (or cannot be examined).
    static func of(bytes path: [UInt8]) -> FileStatus? {
        var info = stat()
        let found = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &info) == 0 }
        }
        guard found else { return nil }
        let kind: Kind =
            switch info.st_mode & S_IFMT {
            case S_IFREG: .regular
            case S_IFDIR: .directory
            case S_IFLNK: .symlink
            case S_IFIFO: .fifo
            case S_IFSOCK: .socket
            case S_IFCHR: .characterDevice
            case S_IFBLK: .blockDevice
            default: .unknown
            }
        let mtimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return FileStatus(
            kind: kind,
            linkCount: UInt(info.st_nlink),
            size: Int64(info.st_size),
            fingerprint: "\(info.st_dev):\(info.st_ino):\(info.st_size):\(mtimeNanoseconds)"
        )
    }
}

/// "dev:ino:size:mtime_ns" of a path (lstat, a symlink is never followed), nil if it is gone.
/// Two calls give the same string exactly when the entry was not replaced, resized or re-stamped
/// in between; the queue uses it as the identity of a source.
public func sourceFingerprint(path: String) -> String? {
    FileStatus.of(path)?.fingerprint
}

/// `sourceFingerprint(path:)` of the entry `rawName` (raw bytes, e.g. a name that is not valid UTF-8) in
/// the folder `directory`.
public func sourceFingerprint(directory: String, rawName: [UInt8]) -> String? {
    FileStatus.of(bytes: Array(directory.utf8) + [UInt8(ascii: "/")] + rawName)?.fingerprint
}
