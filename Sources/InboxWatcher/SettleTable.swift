/// The watcher's decisions without a single syscall: which names are settling and until when, which
/// postpone, which are held by a writer, when one becomes a drop, which bundle directories need a watch.
///
/// Events go in (an inotify record already decoded, a listing of the inbox, time passing), `Action`s come
/// out (drops, watch requests, names left alone or given up on). The present time and a way to `lstat`
/// an entry are passed in with every event; the table never reads a clock, never touches the file system
/// and never calls inotify: `WatchLoop` does all of that and carries out the actions in order.
///
/// Rules (see `InboxWatcher`): a file closed after writing or moved in settles for `settle`; a new write
/// holds it until its next close; a change of its metadata postpones it. A directory moved in is a drop
/// at once; one created in place, or found by a listing, settles like a file and is watched meanwhile:
/// anything happening inside postpones it, entries being written hold it. A file just created in place,
/// or an entry just created in a bundle, still empty when its deadline comes, waits another window (its
/// writer may not have started). When a deadline passes the entry is looked at once more and reported
/// only if it is still of the kind it settled as.
package struct SettleTable {
    /// Instants of the clock the caller uses (the table only compares and offsets them).
    package typealias Instant = ContinuousClock.Instant
    /// `lstat` of the inbox entry `name`, or of its entry `child` (raw bytes) when `child` is given;
    /// nil when there is nothing there.
    package typealias Stat = (_ name: String, _ child: [UInt8]?) -> FileStatus?
    /// The entries at the top level of the bundle `name` (polling only); nil when it cannot be listed.
    package typealias Members = (_ name: String) -> [PollSignature.Member]?

    /// A name in the inbox that is not a drop yet.
    package struct Pending: Equatable, Sendable {
        /// What it settles as.
        package var kind: DropKind
        /// When it becomes a drop if nothing else happens; nil while a writer is active.
        package var deadline: Instant?
        /// Tie-breaker among equal deadlines: the order in which names started settling.
        package var order: UInt64
        /// The watch on a bundle directory created in place or found by a listing.
        package var watch: Int32?
        /// A file created in place with no write or close seen yet. When its deadline passes it is a
        /// drop only if it has content (written before it got its name, e.g. O_TMPFILE + linkat);
        /// while empty, its writer may not have started: it waits another settle window.
        package var justCreated = false
        /// Entries of a bundle that are being written (modified, not closed yet): they hold it.
        package var activeWriters: Set<[UInt8]> = []
        /// Entries of a bundle created with nothing written yet: like `justCreated` for files.
        package var createdEntries: Set<[UInt8]> = []
        /// Polling only: the entry as the last poll scan saw it; its deadline is the window after the first
        /// scan that saw it so. Nil when inotify watches the inbox.
        package var observed: PollSignature?

        /// When it is due, if it can become due at all.
        package var dueAt: Instant? { activeWriters.isEmpty ? deadline : nil }
    }

    /// Why the inbox is being listed.
    package enum ScanReason: String, Sendable {
        case startup = "start-up"
        case overflow = "inotify queue overflow"
        case requested = "rescan requested"
        case reestablished = "inbox re-established"
        case poll = "poll"
    }

    /// What happened, as the table needs to know it.
    package enum Event: Equatable, Sendable {
        /// An inotify record of the inbox watch about its entry `name` (decoded; see `NameRendering`), with
        /// its IN_* `mask`. The inbox's own loss is `inboxLost`.
        case inbox(name: String, mask: UInt32)
        /// An inotify record of any other watch `watch` (a bundle's, or one already given up), about its
        /// entry `child` (raw bytes; empty for the directory itself), with its IN_* `mask`.
        case watched(watch: Int32, child: [UInt8], mask: UInt32)
        /// The inbox was listed for `reason`, finding `names` (decoded). After any reason but the start-up,
        /// events may have been lost.
        case listed(names: [String], reason: ScanReason)
        /// A poll scan for `reason` (`.startup` first, `.poll` then) found `names` (decoded): the table looks
        /// at each (and into each bundle) and settles what changed; `.deadlinesPassed` at the same instant
        /// follows, to report what the scan saw unchanged for the settle window.
        case polled(names: [String], reason: ScanReason)
        /// The watch asked for by `.watchBundle(name)` is `watch`.
        case bundleWatched(name: String, watch: Int32)
        /// Time passed: entries whose deadline came are looked at and reported; then `.ready` if the
        /// start-up listing is fully reported.
        case deadlinesPassed
        /// The inbox itself is gone (deleted, moved away, unmounted): everything is forgotten.
        case inboxLost
    }

    /// Why a name is left alone (worth one log line per name).
    package enum LeftAlone: Equatable, Sendable {
        /// A temporary or hidden name (`DropRules.isIgnoredName`).
        case temporaryName
        /// Something else than a regular file or a directory (a symlink, a fifo, ...).
        case notRegularOrDirectory(FileStatus.Kind)
    }

    /// Why a settling name is given up.
    package enum GivenUp: Equatable, Sendable {
        /// It was deleted or moved away.
        case leftInbox
        /// It was gone when its deadline came.
        case vanished
        /// It was of another kind when its deadline came.
        case changedType(FileStatus.Kind)
    }

    /// What the caller does, in this order.
    package enum Action: Equatable, Sendable {
        /// Report the entry `name`, seen as `fingerprint`.
        case drop(name: String, kind: DropKind, fingerprint: DropFingerprint)
        /// Watch the bundle directory `name` (its top level) and tell the table with `.bundleWatched`; if
        /// that fails, the bundle settles unwatched.
        case watchBundle(name: String)
        /// Remove the watch `watch`.
        case removeWatch(Int32)
        /// Log (once per name) that `name` is left alone.
        case leaveAlone(name: String, LeftAlone)
        /// Log that the settling name `name` is given up.
        case giveUp(name: String, GivenUp)
        /// Log that a listing for `reason` made `added` names settle.
        case listed(reason: ScanReason, added: Int)
        /// Everything found by the start-up listing has been reported (or left, or changed since). Once.
        case ready
    }

    /// How long a name must stay untouched.
    package let settle: Duration
    /// The names not reported yet, by name.
    package internal(set) var pending: [String: Pending] = [:]
    /// The bundle each watch is on.
    package internal(set) var bundleWatches: [Int32: String] = [:]
    /// Every name reported and still in the inbox, as it was then, so a listing does not report it again.
    package internal(set) var reported: [String: DropFingerprint] = [:]
    /// Names from the start-up listing not yet reported and untouched since; nil once `.ready` went out.
    package internal(set) var awaitingInitial: Set<String>? = []
    var sequence: UInt64 = 0
    /// The `lstat` of the event being handled (only during `handle`).
    var look: Stat = { _, _ in nil }
    /// The bundle listing of the event being handled (only during `handle`).
    var lookInside: Members = { _ in nil }
    /// The actions of the event being handled (only during `handle`).
    var actions: [Action] = []

    /// An empty table for names settling for `settle` (at least zero).
    package init(settle: Duration) {
        self.settle = max(settle, .zero)
    }

    /// The earliest instant at which a name may become due; nil when none can (none pending, or all held
    /// by writers).
    package var nextDeadline: Instant? {
        pending.values.lazy.compactMap(\.dueAt).min()
    }

    /// Applies `event`, which happened at `now`, looking at entries through `stat` (and, for `.polled`,
    /// into bundles through `members`); returns what to do.
    package mutating func handle(
        _ event: Event, now: Instant, stat: @escaping Stat, members: @escaping Members = { _ in nil }
    ) -> [Action] {
        look = stat
        lookInside = members
        defer {
            look = { _, _ in nil }
            lookInside = { _ in nil }
            actions = []
        }
        switch event {
        case .inbox(let name, let mask): inboxEvent(name, mask: mask, now: now)
        case .watched(let watch, let child, let mask): watchedEvent(watch, child: child, mask: mask, now: now)
        case .listed(let names, let reason): listed(names, reason: reason, now: now)
        case .polled(let names, let reason): polled(names, reason: reason, now: now)
        case .bundleWatched(let name, let watch): bundleWatched(name, watch: watch)
        case .deadlinesPassed:
            emitDue(now: now)
            if let awaiting = awaitingInitial, awaiting.isEmpty {
                awaitingInitial = nil
                actions.append(.ready)
            }
        case .inboxLost: inboxLost()
        }
        return actions
    }

    // MARK: - Drops

    /// Reports every pending name whose deadline has passed, earliest first, after checking it is
    /// still what it was.
    mutating func emitDue(now: Instant) {
        let due = pending.compactMap { name, entry -> (name: String, at: Instant, order: UInt64)? in
            guard let at = entry.dueAt, at <= now else { return nil }
            return (name, at, entry.order)
        }
        guard !due.isEmpty else { return }
        for item in due.sorted(by: { ($0.at, $0.order) < ($1.at, $1.order) }) {
            guard var entry = pending[item.name] else { continue }
            if stillStarting(item.name, &entry) {
                entry.deadline = now + settle
                pending[item.name] = entry
                continue
            }
            pending[item.name] = nil
            if let watch = entry.watch { removeBundleWatch(watch) }
            awaitingInitial?.remove(item.name)
            guard let status = look(item.name, nil) else {
                actions.append(.giveUp(name: item.name, .vanished))
                continue
            }
            switch (entry.kind, status.kind) {
            case (.file, .regular), (.directory, .directory):
                if let observed = entry.observed, !observed.isSameVersion(as: status) {
                    // Polling: changed since the scan that found it settled; it settles again from the next scan.
                    entry.deadline = now + settle
                    entry.observed = nil
                    pending[item.name] = entry
                    continue
                }
                report(item.name, kind: entry.kind, fingerprint: status.fingerprint)
            default:
                actions.append(.giveUp(name: item.name, .changedType(status.kind)))
            }
        }
    }

    /// True when a just-created file, or an entry just created in a bundle, is still empty: its
    /// writer may not have started yet. Entries that got content or left are forgotten.
    private func stillStarting(_ name: String, _ entry: inout Pending) -> Bool {
        if entry.justCreated {
            guard let status = look(name, nil), status.kind == .regular, status.size == 0 else {
                entry.justCreated = false
                return false
            }
            return true
        }
        entry.createdEntries = entry.createdEntries.filter { child in
            guard let status = look(name, child) else { return false }
            return status.kind == .regular && status.size == 0
        }
        return !entry.createdEntries.isEmpty
    }

    /// `name` is a drop, seen as `fingerprint`.
    mutating func report(_ name: String, kind: DropKind, fingerprint: DropFingerprint) {
        reported[name] = fingerprint
        awaitingInitial?.remove(name)
        actions.append(.drop(name: name, kind: kind, fingerprint: fingerprint))
    }

    // MARK: - Small steps

    /// `lstat` of the inbox entry `name`.
    func status(of name: String) -> FileStatus? { look(name, nil) }

    /// `lstat` of the entry `child` of the bundle `name`.
    func status(of name: String, child: [UInt8]) -> FileStatus? { look(name, child) }

    /// The entries at the top level of the bundle `name` (polling).
    func members(of name: String) -> [PollSignature.Member]? { lookInside(name) }

    /// Adds an action to the answer being built.
    mutating func emit(_ action: Action) { actions.append(action) }

    /// The next tie-breaker among equal deadlines.
    mutating func nextOrder() -> UInt64 {
        sequence += 1
        return sequence
    }
}
