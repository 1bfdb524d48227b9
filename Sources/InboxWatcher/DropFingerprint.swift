/// The identity of an inbox entry as the watcher saw it when it settled (one `lstat`, never following a
/// symlink): the object (device and inode) and its version (size, modification and status change times).
///
/// The drop carries it, so whoever queues the drop records the version that settled, not whatever is
/// under the name a moment later.
public struct DropFingerprint: Sendable, Hashable, CustomStringConvertible {
    /// The device holding the entry.
    public var device: UInt64
    /// The entry's inode on that device.
    public var inode: UInt64
    /// The size in bytes.
    public var size: Int64
    /// The modification time, in nanoseconds since the epoch.
    public var mtimeNanoseconds: Int64
    /// The status change time, in nanoseconds since the epoch.
    public var ctimeNanoseconds: Int64

    /// A fingerprint from its parts.
    public init(device: UInt64, inode: UInt64, size: Int64, mtimeNanoseconds: Int64, ctimeNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.ctimeNanoseconds = ctimeNanoseconds
    }

    /// "dev:ino:size:mtime_ns", the queue's identity of a source: two looks give the same key exactly when
    /// the entry was not replaced, resized or re-stamped in between (a change of mode or owner alone, which
    /// moves only the ctime, does not make a new version).
    public var queueKey: String { "\(device):\(inode):\(size):\(mtimeNanoseconds)" }

    /// True when `other` has the same `queueKey`: the same object in the same version.
    public func isSameVersion(as other: DropFingerprint) -> Bool {
        device == other.device && inode == other.inode && size == other.size
            && mtimeNanoseconds == other.mtimeNanoseconds
    }

    /// The `queueKey`.
    public var description: String { queueKey }
}
