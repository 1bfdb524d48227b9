/// What a poll scan sees of an inbox entry, compared from one scan to the next: its kind, device, inode,
/// size and modification time, and for a bundle the name, inode, size and modification time of every
/// entry at its top level (hidden and temporary names included: a change to any of them is a change).
/// Metadata only: nothing is ever read.
package struct PollSignature: Equatable, Sendable {
    /// One entry at the top level of a bundle, as `lstat` saw it.
    package struct Member: Equatable, Sendable {
        /// Its raw name.
        package var name: [UInt8]
        /// Its inode.
        package var inode: UInt64
        /// Its size in bytes.
        package var size: Int64
        /// Its modification time, in nanoseconds since the epoch.
        package var mtimeNanoseconds: Int64

        /// A member from its parts.
        package init(name: [UInt8], inode: UInt64, size: Int64, mtimeNanoseconds: Int64) {
            self.name = name
            self.inode = inode
            self.size = size
            self.mtimeNanoseconds = mtimeNanoseconds
        }

        /// The member `name` as `status` shows it.
        package init(name: [UInt8], status: FileStatus) {
            self.init(
                name: name, inode: status.fingerprint.inode, size: status.size,
                mtimeNanoseconds: status.fingerprint.mtimeNanoseconds)
        }
    }

    /// A file or a bundle.
    package var kind: DropKind
    /// The device, inode, size and modification time (the ctime is not compared: see `DropFingerprint`).
    package var fingerprint: DropFingerprint
    /// A bundle's entries, sorted by name; nil for a file, or for a bundle that could not be listed.
    package var members: [Member]?

    /// The signature of an entry of `kind` seen as `status`, with `members` (any order) for a bundle.
    package init(kind: DropKind, status: FileStatus, members: [Member]?) {
        self.kind = kind
        self.fingerprint = status.fingerprint
        self.members = members?.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// True when `status` shows the entry itself in the same version (its members are not looked at).
    package func isSameVersion(as status: FileStatus) -> Bool {
        fingerprint.isSameVersion(as: status.fingerprint)
    }

    /// Equal when kind, device, inode, size, modification time and (for a bundle) every member agree.
    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.kind == rhs.kind && lhs.fingerprint.isSameVersion(as: rhs.fingerprint) && lhs.members == rhs.members
    }
}
