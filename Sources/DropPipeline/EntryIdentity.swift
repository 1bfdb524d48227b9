#if canImport(Glibc)
import Glibc
#endif

/// Who an inbox entry is, as `fstat` saw it: the object (device and inode) and the state of its bytes
/// (size, change time and modification time, to the nanosecond).
///
/// The change time (ctime) is the one stamp an owner cannot set back: writing, truncating, renaming over or
/// restoring the modification time with `utimes` all move it forward. Two identities of the same regular file
/// are equal only when none of that happened in between. Stored in a job's progress.
public struct EntryIdentity: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The device holding the entry.
    public var device: UInt64
    /// The entry's inode on that device.
    public var inode: UInt64
    /// The size in bytes.
    public var size: Int64
    /// The status change time, in nanoseconds since the epoch.
    public var ctimeNanoseconds: Int64
    /// The modification time, in nanoseconds since the epoch.
    public var mtimeNanoseconds: Int64
    /// True for a directory (a bundle), false for a regular file.
    public var isDirectory: Bool

    /// The identity of what `info` (from `fstat`/`fstatat`) describes.
    package init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        ctimeNanoseconds = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        mtimeNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        isDirectory = info.st_mode & S_IFMT == S_IFDIR
    }

    /// Creates an identity from its parts (for tests and stored records).
    public init(device: UInt64, inode: UInt64, size: Int64, ctimeNanoseconds: Int64, mtimeNanoseconds: Int64, isDirectory: Bool) {
        self.device = device
        self.inode = inode
        self.size = size
        self.ctimeNanoseconds = ctimeNanoseconds
        self.mtimeNanoseconds = mtimeNanoseconds
        self.isDirectory = isDirectory
    }

    /// True when `other` is the same object (device and inode), whatever happened to it since.
    public func isSameObject(as other: EntryIdentity) -> Bool {
        device == other.device && inode == other.inode && isDirectory == other.isDirectory
    }

    /// True when `other` is the same object, unchanged: for a regular file also the same size, ctime and mtime;
    /// for a directory the object alone (its members are compared one by one, by their own identities).
    public func isUnchanged(comparedWith other: EntryIdentity) -> Bool {
        guard isSameObject(as: other) else { return false }
        if isDirectory { return true }
        return size == other.size && ctimeNanoseconds == other.ctimeNanoseconds && mtimeNanoseconds == other.mtimeNanoseconds
    }

    /// "dev:ino size=N ctime=NS", for logs.
    public var description: String {
        "\(device):\(inode) size=\(size) ctime=\(ctimeNanoseconds)"
    }
}
