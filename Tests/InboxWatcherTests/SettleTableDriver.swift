import InboxWatcher

/// What `lstat` would say in a pretend inbox: entries by name, and the entries of bundles.
final class PretendInbox {
    var entries: [String: FileStatus] = [:]
    var members: [String: [[UInt8]: FileStatus]] = [:]

    func stat(_ name: String, _ child: [UInt8]?) -> FileStatus? {
        guard let child else { return entries[name] }
        return members[name]?[child]
    }

    /// The entries of the bundle `name` as a poll scan lists them; nil when `name` is not a directory.
    func list(_ name: String) -> [PollSignature.Member]? {
        guard entries[name]?.kind == .directory else { return nil }
        return (members[name] ?? [:]).map { PollSignature.Member(name: $0.key, status: $0.value) }
    }
}

/// A regular file's status: `inode` names the object, `version` its modification time.
func regular(_ inode: UInt64, size: Int64 = 10, links: UInt = 1, version: Int64 = 1) -> FileStatus {
    FileStatus(kind: .regular, linkCount: links, size: size, fingerprint: fingerprint(inode, size: size, version: version))
}

/// A directory's status.
func directory(_ inode: UInt64, version: Int64 = 1) -> FileStatus {
    FileStatus(kind: .directory, linkCount: 2, size: 4096, fingerprint: fingerprint(inode, size: 4096, version: version))
}

/// Something that is neither a regular file nor a directory.
func other(_ kind: FileStatus.Kind, inode: UInt64 = 99) -> FileStatus {
    FileStatus(kind: kind, linkCount: 1, size: 0, fingerprint: fingerprint(inode, size: 0, version: 1))
}

func fingerprint(_ inode: UInt64, size: Int64, version: Int64) -> DropFingerprint {
    DropFingerprint(device: 2049, inode: inode, size: size, mtimeNanoseconds: version * 1_000, ctimeNanoseconds: version * 1_000)
}

/// Drives a `SettleTable` through events at times given in milliseconds from the start, against a
/// pretend inbox; settle window 100 ms.
struct SettleDriver {
    static let settleMilliseconds = 100
    var table = SettleTable(settle: .milliseconds(SettleDriver.settleMilliseconds))
    let inbox = PretendInbox()
    let start = ContinuousClock.now

    /// Applies `event` at `milliseconds`; the actions the table returns.
    mutating func send(_ event: SettleTable.Event, at milliseconds: Int) -> [SettleTable.Action] {
        let inbox = self.inbox
        return table.handle(
            event, now: start + .milliseconds(milliseconds), stat: { inbox.stat($0, $1) }, members: { inbox.list($0) })
    }

    /// A poll scan at `milliseconds` listing every entry of the pretend inbox (sorted), then
    /// `.deadlinesPassed` at the same instant, as the polling loop does; the actions of both.
    mutating func poll(at milliseconds: Int, reason: SettleTable.ScanReason = .poll) -> [SettleTable.Action] {
        send(.polled(names: inbox.entries.keys.sorted(), reason: reason), at: milliseconds)
            + send(.deadlinesPassed, at: milliseconds)
    }

    /// An inotify record about the inbox entry `name`.
    mutating func inbox(_ name: String, _ mask: UInt32, at milliseconds: Int) -> [SettleTable.Action] {
        send(.inbox(name: name, mask: mask), at: milliseconds)
    }

    /// Time passes to `milliseconds`.
    mutating func tick(_ milliseconds: Int) -> [SettleTable.Action] {
        send(.deadlinesPassed, at: milliseconds)
    }

    /// The pending names with their deadlines in milliseconds from the start (nil: held by a writer).
    var deadlines: [String: Int?] {
        table.pending.mapValues { entry in entry.dueAt.map(offset) }
    }

    /// The next instant anything can be due, in milliseconds from the start.
    var nextDeadline: Int? { table.nextDeadline.map(offset) }

    private func offset(_ instant: ContinuousClock.Instant) -> Int {
        let components = start.duration(to: instant).components
        return Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }

    /// The drop action for `name` as the pretend inbox shows it now.
    func drop(_ name: String) -> SettleTable.Action {
        let status = inbox.entries[name]!
        return .drop(name: name, kind: status.kind == .directory ? .directory : .file, fingerprint: status.fingerprint)
    }
}

/// The IN_* masks, short.
enum Mask {
    static let create = InotifyMask.create
    static let closeWrite = InotifyMask.closeWrite
    static let movedTo = InotifyMask.movedTo
    static let movedFrom = InotifyMask.movedFrom
    static let delete = InotifyMask.delete
    static let modify = InotifyMask.modify
    static let attrib = InotifyMask.attrib
    static let ignored = InotifyMask.ignored
    static let directory = InotifyMask.isDirectory
}
