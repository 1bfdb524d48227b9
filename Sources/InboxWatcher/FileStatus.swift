import Glibc

/// What `lstat` says about one path, never following a symlink.
package struct FileStatus: Equatable, Sendable {
    /// The type of the entry.
    package enum Kind: Equatable, Sendable {
        case regular, directory, symlink, fifo, socket, characterDevice, blockDevice, unknown

        /// A short human word for logs ("fifo", "symlink", ...).
        package var label: String {
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

    /// The type of the entry.
    package var kind: Kind
    /// How many names the entry has (1 for a file created in place, more for a hard link).
    package var linkCount: UInt
    /// The size in bytes.
    package var size: Int64
    /// Its identity and version.
    package var fingerprint: DropFingerprint

    /// A status from its parts (for tests).
    package init(kind: Kind, linkCount: UInt, size: Int64, fingerprint: DropFingerprint) {
        self.kind = kind
        self.linkCount = linkCount
        self.size = size
        self.fingerprint = fingerprint
    }

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
        return found ? FileStatus(info) : nil
    }

    /// The status of the entry `name` (raw bytes, without the terminating NUL) of the open directory
    /// `directory` (`fstatat`, never following a symlink); nil when it does not exist (or cannot be examined).
    static func at(_ directory: Int32, _ name: [UInt8]) -> FileStatus? {
        var info = stat()
        let found = (name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                fstatat(directory, $0.baseAddress!, &info, AT_SYMLINK_NOFOLLOW) == 0
            }
        }
        return found ? FileStatus(info) : nil
    }

    /// The status `info` describes.
    init(_ info: stat) {
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
        let fingerprint = DropFingerprint(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            ctimeNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
        self.init(kind: kind, linkCount: UInt(info.st_nlink), size: Int64(info.st_size), fingerprint: fingerprint)
    }
}

/// "dev:ino:size:mtime_ns" of a path (lstat, a symlink is never followed), nil if it is gone.
/// Two calls give the same string exactly when the entry was not replaced, resized or re-stamped
/// in between; the queue uses it as the identity of a source.
public func sourceFingerprint(path: String) -> String? {
    FileStatus.of(path)?.fingerprint.queueKey
}

/// `sourceFingerprint(path:)` of the entry `rawName` (raw bytes, e.g. a name that is not valid UTF-8) in
/// the folder `directory`.
public func sourceFingerprint(directory: String, rawName: [UInt8]) -> String? {
    FileStatus.of(bytes: Array(directory.utf8) + [UInt8(ascii: "/")] + rawName)?.fingerprint.queueKey
}
