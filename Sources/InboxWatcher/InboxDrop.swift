/// What kind of thing was dropped into the inbox.
public enum DropKind: String, Sendable {
    /// A regular file directly in the inbox (sidecars included).
    case file
    /// A directory directly in the inbox: a bundle.
    case directory
}

/// One settled entry of the inbox, ready to be queued.
///
/// The same name may be reported more than once (a rewrite of the file, a rescan after an inotify
/// queue overflow); the queue de-duplicates by name and fingerprint.
public struct InboxDrop: Sendable, Hashable {
    /// The entry's name inside the inbox (no path separators).
    public var name: String
    /// Whether it is a file or a bundle directory.
    public var kind: DropKind
    /// The entry as the watcher saw it when it settled: the version to queue (no second look needed).
    public var fingerprint: DropFingerprint
    /// The entry's raw name when it is not valid UTF-8 (`name` is then its `NameRendering`); nil otherwise.
    public var rawName: [UInt8]?

    /// Makes a drop for `name` of `kind`, seen as `fingerprint`; `rawName` for a name that is not valid UTF-8.
    public init(name: String, kind: DropKind, fingerprint: DropFingerprint, rawName: [UInt8]? = nil) {
        self.name = name
        self.kind = kind
        self.fingerprint = fingerprint
        self.rawName = rawName
    }
}
