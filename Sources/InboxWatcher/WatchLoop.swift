import Glibc
import Logging

/// What the watcher thread hands to `run`, in order.
enum WatchOutput: Sendable {
    /// An entry has settled.
    case drop(InboxDrop)
    /// Everything found by the start-up scan has been reported (or left, or changed again since).
    case ready
}

/// The state machine of the watcher thread: reads inotify records, keeps each pending name with its
/// settle deadline, rescans when events were lost, and emits drops in the order they become ready.
///
/// Lives on one thread only; every method is synchronous and may block briefly on syscalls.
final class WatchLoop {
    typealias Instant = ContinuousClock.Instant

    /// A name in the inbox that is not a drop yet.
    struct Pending {
        var kind: DropKind
        /// When it becomes a drop if nothing else happens; nil while a writer is active.
        var deadline: Instant?
        /// Tie-breaker among equal deadlines: the order in which names started settling.
        var order: UInt64
        /// The watch on a bundle directory created in place or found by a scan.
        var watch: Int32?
        /// A file created in place with no write or close seen yet. When its deadline passes it is a
        /// drop only if it has content (written before it got its name, e.g. O_TMPFILE + linkat);
        /// while empty, its writer may not have started: it waits another settle window.
        var justCreated = false
        /// Entries of a bundle that are being written (modified, not closed yet): they hold it.
        var activeWriters: Set<[UInt8]> = []
        /// Entries of a bundle created with nothing written yet: like `justCreated` for files.
        var createdEntries: Set<[UInt8]> = []

        /// When it is due, if it can become due at all.
        var dueAt: Instant? { activeWriters.isEmpty ? deadline : nil }
    }

    /// Why the inbox is being listed.
    enum ScanReason: String {
        case startup = "start-up"
        case overflow = "inotify queue overflow"
        case requested = "rescan requested"
        case reestablished = "inbox re-established"
    }

    /// How often a lost inbox is looked for again.
    static let reestablishInterval: Duration = .milliseconds(250)
    /// Bytes read from the inotify descriptor at once (many records per read).
    static let readBufferSize = 64 * 1024

    let inbox: String
    let settle: Duration
    let logger: Logger
    let inotify: InotifyDescriptor
    let control: RunControl
    let output: AsyncStream<WatchOutput>.Continuation
    let clock = ContinuousClock()
    let readBuffer: UnsafeMutableRawBufferPointer

    var inboxWatch: Int32?
    var bundleWatches: [Int32: String] = [:]
    var pending: [String: Pending] = [:]
    /// The fingerprint of every name reported and still in the inbox, so a rescan does not report it again.
    var reported: [String: String] = [:]
    /// Names already logged as left alone: logged once per name, remembered across renames and rescans
    /// (bounded: the oldest are forgotten first), so a storm of events or rescans does not repeat them.
    var mentioned = BoundedNameSet(capacity: 4096)
    /// The raw bytes of names that are not valid UTF-8, by their `NameRendering` (the key used everywhere
    /// else), while they are pending or reported.
    var rawNames: [String: [UInt8]] = [:]
    /// Names from the start-up scan not yet reported and untouched since; nil once `.ready` was emitted.
    var awaitingInitial: Set<String>? = []
    var sequence: UInt64 = 0
    var nextReestablishAttempt: Instant?

    init(
        inbox: String, inboxWatch: Int32, settle: Duration, logger: Logger,
        inotify: InotifyDescriptor, control: RunControl, output: AsyncStream<WatchOutput>.Continuation
    ) {
        var logger = logger
        logger[metadataKey: "inbox"] = "\(inbox)"
        self.inbox = inbox
        self.inboxWatch = inboxWatch
        self.settle = settle
        self.logger = logger
        self.inotify = inotify
        self.control = control
        self.output = output
        self.readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 8)
    }

    /// Scans, then handles events and deadlines until a stop is requested; then closes the inotify
    /// descriptor, ends the output and signals the end to `control`.
    func run() {
        defer { finish() }
        scan(.startup)
        while true {
            let requests = control.takeRequests()
            if requests.stop { return }
            if requests.rescan { scan(.requested) }
            let now = clock.now
            if inboxWatch == nil, let attempt = nextReestablishAttempt, attempt <= now {
                reestablish(now: now)
            }
            emitDue(now: clock.now)
            announceReadyIfDone()
            waitForActivity(paused: requests.readingPaused)
        }
    }

    // MARK: - Waiting and reading

    func waitForActivity(paused: Bool) {
        var descriptors = [pollfd(fd: control.wakeReadEnd, events: Int16(POLLIN), revents: 0)]
        if !paused {
            descriptors.append(pollfd(fd: inotify.fd, events: Int16(POLLIN), revents: 0))
        }
        let result = poll(&descriptors, nfds_t(descriptors.count), pollTimeout(now: clock.now))
        if result < 0 {
            let number = errno
            if number != EINTR {
                logger.error("waiting for inotify events failed: \(errorText(number))")
                usleep(100_000)
            }
            return
        }
        if descriptors[0].revents != 0 {
            control.drainWakePipe()
        }
        if descriptors.count > 1, descriptors[1].revents != 0 {
            readEvents()
        }
    }

    /// Milliseconds until the next deadline (or re-watch attempt); -1 when there is none.
    func pollTimeout(now: Instant) -> Int32 {
        var earliest = pending.values.lazy.compactMap(\.dueAt).min()
        if inboxWatch == nil, let attempt = nextReestablishAttempt {
            earliest = min(earliest ?? attempt, attempt)
        }
        guard let earliest else { return -1 }
        guard earliest > now else { return 0 }
        let remaining = now.duration(to: earliest).components
        let milliseconds =
            remaining.seconds * 1000 + (remaining.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }

    func readEvents() {
        // Bounded, so deadlines and stop requests are looked at even under a flood of events.
        for _ in 0..<16 {
            let count = read(inotify.fd, readBuffer.baseAddress, readBuffer.count)
            if count < 0 {
                let number = errno
                if number == EINTR { continue }
                if number != EAGAIN {
                    logger.error("reading inotify events failed: \(errorText(number))")
                    usleep(100_000)
                }
                return
            }
            if count == 0 { return }
            let events = InotifyEvent.parse(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            let now = clock.now
            for event in events {
                handle(event, now: now)
            }
        }
    }

    // MARK: - Events

    func handle(_ event: InotifyEvent, now: Instant) {
        if event.has(InotifyMask.queueOverflow) {
            logger.warning("inotify event queue overflowed; rescanning the inbox")
            scan(.overflow)
        } else if let inboxWatch, event.watch == inboxWatch {
            handleInboxEvent(event, now: now)
        } else if let bundle = bundleWatches[event.watch] {
            handleBundleEvent(event, bundle: bundle, now: now)
        }
    }

    func handleInboxEvent(_ event: InotifyEvent, now: Instant) {
        if event.has(InotifyMask.lost) {
            inboxLost()
            return
        }
        guard !event.name.isEmpty else { return }
        if event.has(InotifyMask.delete | InotifyMask.movedFrom) {
            forget(event.name)
            return
        }
        guard let name = decodedName(event.name) else { return }
        if DropRules.isIgnoredName(name) {
            mention(event.name, "ignoring \(name): name of a temporary or hidden file")
            return
        }
        // Changed since the start-up scan: reported when it settles, like any new drop; not waited for by onReady.
        awaitingInitial?.remove(name)
        let isDirectory = event.has(InotifyMask.isDirectory)
        if event.has(InotifyMask.create) {
            if isDirectory { beginBundle(name, now: now) } else { fileCreated(name, raw: event.name, now: now) }
        }
        if event.has(InotifyMask.movedTo) {
            if isDirectory { bundleMovedIn(name, raw: event.name, now: now) } else { fileArrived(name, raw: event.name, now: now) }
        }
        if isDirectory {
            // A directory's own changes (tar, for one, makes IN_MODIFY on it) only postpone a pending bundle.
            if event.has(InotifyMask.modify | InotifyMask.attrib) { postpone(name, now: now) }
            return
        }
        if event.has(InotifyMask.modify) {
            writerActive(name, now: now)
        }
        if event.has(InotifyMask.closeWrite) {
            fileArrived(name, raw: event.name, now: now)
        }
        if event.has(InotifyMask.attrib) {
            postpone(name, now: now)
        }
    }

    /// Anything inside a bundle being filled in place postpones it; entries being written hold it.
    func handleBundleEvent(_ event: InotifyEvent, bundle: String, now: Instant) {
        guard var entry = pending[bundle], entry.watch == event.watch else { return }
        if event.has(InotifyMask.lost) {
            // Leaving the inbox is reported by the inbox watch; here only the watch's end matters.
            if event.has(InotifyMask.ignored) {
                bundleWatches[event.watch] = nil
                entry.watch = nil
                pending[bundle] = entry
            }
            return
        }
        entry.deadline = now + settle
        awaitingInitial?.remove(bundle)
        if !event.has(InotifyMask.isDirectory), !event.name.isEmpty {
            let child = event.name
            if event.has(InotifyMask.create),
                let status = status(of: bundle, child: child),
                status.kind == .regular, status.linkCount == 1
            {
                entry.createdEntries.insert(child)
            }
            if event.has(InotifyMask.modify) {
                entry.createdEntries.remove(child)
                entry.activeWriters.insert(child)
            }
            if event.has(InotifyMask.closeWrite | InotifyMask.delete | InotifyMask.movedFrom) {
                entry.createdEntries.remove(child)
                entry.activeWriters.remove(child)
            }
        }
        pending[bundle] = entry
    }

    // MARK: - Transitions

    /// A name created in place: a file about to be written, a hard link (complete already) or
    /// something to leave alone.
    func fileCreated(_ name: String, raw: [UInt8], now: Instant) {
        guard let status = status(of: name) else { return }
        switch status.kind {
        case .regular:
            startSettling(name, now: now)
            if status.linkCount == 1 {
                pending[name]?.justCreated = true
            }
        case .directory:
            beginBundle(name, now: now)
        default:
            mention(raw, "ignoring \(name): a \(status.kind.label), not a regular file or directory")
        }
    }

    /// A file closed after writing or moved in: it settles from now.
    func fileArrived(_ name: String, raw: [UInt8], now: Instant) {
        guard let status = status(of: name) else {
            // Written under a name that never existed in the directory (an O_TMPFILE's "#ino").
            cancel(name)
            return
        }
        switch status.kind {
        case .regular:
            startSettling(name, now: now)
        case .directory:
            beginBundle(name, now: now)
        default:
            mention(raw, "ignoring \(name): a \(status.kind.label), not a regular file or directory")
        }
    }

    /// A writer has the file open: it is not a drop before its next close.
    func writerActive(_ name: String, now: Instant) {
        if let entry = pending[name], entry.kind == .directory {
            postpone(name, now: now)
            return
        }
        if let entry = pending[name], entry.deadline == nil { return }
        if pending[name] == nil, status(of: name)?.kind != .regular { return }
        if let old = pending[name], let watch = old.watch { removeBundleWatch(watch) }
        pending[name] = Pending(kind: .file, deadline: nil, order: nextOrder())
        awaitingInitial?.remove(name)
    }

    func startSettling(_ name: String, now: Instant) {
        if let old = pending[name], let watch = old.watch { removeBundleWatch(watch) }
        pending[name] = Pending(kind: .file, deadline: now + settle, order: nextOrder())
    }

    /// Metadata changed (e.g. `cp -p` setting times after the close): a settling name waits longer.
    func postpone(_ name: String, now: Instant) {
        guard var entry = pending[name], entry.deadline != nil else { return }
        entry.deadline = now + settle
        pending[name] = entry
    }

    /// A directory created in place or found by a scan: watched (its top level only) until nothing
    /// changed in it for the settle window.
    func beginBundle(_ name: String, now: Instant) {
        guard let status = status(of: name), status.kind == .directory else { return }
        if var entry = pending[name], entry.kind == .directory {
            entry.deadline = now + settle
            pending[name] = entry
            return
        }
        var entry = Pending(kind: .directory, deadline: now + settle, order: nextOrder())
        switch rawNames[name] != nil ? .failure(SystemErrno(number: EILSEQ)) : inotify.addWatch(path(name), mask: InotifyMask.bundle) {
        case .success(let watch):
            entry.watch = watch
            bundleWatches[watch] = name
        case .failure(let failure):
            let number = failure.number
            let limit =
                number == ENOSPC
                ? " (fs.inotify.max_user_watches = \(procValue("/proc/sys/fs/inotify/max_user_watches")) reached)" : ""
            logger.warning(
                "cannot watch bundle \(name): \(errorText(number))\(limit); it is reported after the settle window without watching its contents"
            )
        }
        pending[name] = entry
    }

    /// A directory moved in is complete: it is a drop at once.
    func bundleMovedIn(_ name: String, raw: [UInt8], now: Instant) {
        guard let status = status(of: name) else { return }
        guard status.kind == .directory else {
            fileArrived(name, raw: raw, now: now)
            return
        }
        if let old = pending.removeValue(forKey: name), let watch = old.watch { removeBundleWatch(watch) }
        emitDue(now: now)
        report(name, kind: .directory, fingerprint: status.fingerprint)
    }

    /// The name left the inbox (deleted or moved away): nothing pending or remembered stays.
    func forget(_ raw: [UInt8]) {
        let name = String(validating: raw, as: UTF8.self) ?? NameRendering.render(raw)
        defer { if pending[name] == nil { rawNames[name] = nil } }
        reported[name] = nil
        if pending[name] != nil {
            logger.debug("\(name) left the inbox before it settled")
            cancel(name)
        }
    }

    func cancel(_ name: String) {
        if let entry = pending.removeValue(forKey: name), let watch = entry.watch {
            removeBundleWatch(watch)
        }
        awaitingInitial?.remove(name)
    }

    func removeBundleWatch(_ watch: Int32) {
        bundleWatches[watch] = nil
        inotify.removeWatch(watch)
    }

    // MARK: - Drops

    /// Reports every pending name whose deadline has passed, earliest first, after checking it is
    /// still what it was.
    func emitDue(now: Instant) {
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
            guard let status = status(of: item.name) else {
                logger.debug("\(item.name) vanished before it settled")
                continue
            }
            switch (entry.kind, status.kind) {
            case (.file, .regular), (.directory, .directory):
                report(item.name, kind: entry.kind, fingerprint: status.fingerprint)
            default:
                logger.debug("\(item.name) changed type before it settled (now a \(status.kind.label))")
            }
        }
    }

    /// True when a just-created file, or an entry just created in a bundle, is still empty: its
    /// writer may not have started yet. Entries that got content or left are forgotten.
    func stillStarting(_ name: String, _ entry: inout Pending) -> Bool {
        if entry.justCreated {
            guard let status = status(of: name), status.kind == .regular, status.size == 0 else {
                entry.justCreated = false
                return false
            }
            return true
        }
        entry.createdEntries = entry.createdEntries.filter { child in
            guard let status = status(of: name, child: child) else { return false }
            return status.kind == .regular && status.size == 0
        }
        return !entry.createdEntries.isEmpty
    }

    func report(_ name: String, kind: DropKind, fingerprint: String) {
        reported[name] = fingerprint
        awaitingInitial?.remove(name)
        logger.debug("drop ready: \(name) (\(kind.rawValue))")
        output.yield(.drop(InboxDrop(name: name, kind: kind, rawName: rawNames[name])))
    }

    func announceReadyIfDone() {
        if let awaiting = awaitingInitial, awaiting.isEmpty {
            awaitingInitial = nil
            output.yield(.ready)
        }
    }

}
