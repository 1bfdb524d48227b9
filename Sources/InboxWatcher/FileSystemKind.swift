/// A file system as `statfs` names it (its `f_type` magic number), and whether inotify sees every write
/// made to it: not on network and FUSE file systems, whose other clients (other hosts, or a FUSE daemon
/// writing behind the kernel's back) change files without the local kernel's knowledge.
public struct FileSystemKind: Sendable, Equatable, CustomStringConvertible {
    /// The `f_type` of `statfs` (magic numbers are 32 bits).
    public var magic: UInt32
    /// A short name ("ext2/3/4", "NFS", ...), or nil when the magic number is not in the table.
    public var name: String?
    /// True for NFS, SMB/CIFS, FUSE and 9p: inotify does not see writes made through other clients.
    public var isShared: Bool

    /// The kind of the file system with `statfs` type `magic`.
    public init(magic: UInt32) {
        self.magic = magic
        let known = Self.table[magic]
        self.name = known?.name
        self.isShared = known?.shared ?? false
    }

    /// "NFS (statfs type 0x6969)", or "statfs type 0x…" for one not in the table.
    public var description: String {
        let type = "statfs type 0x" + String(magic, radix: 16)
        return name.map { "\($0) (\(type))" } ?? type
    }

    /// The magic numbers of linux/magic.h (and of SMB2/CIFS from fs/smb), with a name for the log, and
    /// whether writes through other clients escape inotify.
    static let table: [UInt32: (name: String, shared: Bool)] = [
        0x6969: ("NFS", true),
        0x517B: ("SMB", true),
        0xFF53_4D42: ("CIFS", true),
        0xFE53_4D42: ("SMB2", true),
        0x6573_5546: ("FUSE", true),
        0x0102_1997: ("9p", true),
        0xEF53: ("ext2/3/4", false),
        0x5846_5342: ("XFS", false),
        0x9123_683E: ("Btrfs", false),
        0x0102_1994: ("tmpfs", false),
        0x794C_7630: ("overlayfs", false),
        0x2FC1_2FC1: ("ZFS", false),
        0xF2F5_2010: ("F2FS", false),
        0x4D44: ("FAT", false),
        0x2011_BAB0: ("exFAT", false),
        0x5346_544E: ("NTFS", false),
        0x8584_58F6: ("ramfs", false),
    ]
}
