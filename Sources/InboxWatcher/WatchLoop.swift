import Glibc
import Logging
import SystemSupport

/// What the watcher thread hands to `run`, in order.
enum WatchOutput: Sendable {
    /// An entry has settled.
    case drop(InboxDrop)
    /// Everything found by the start-up scan has been reported (or left, or changed again since).
    case ready
}

/// The watcher thread: waits on inotify and the run control, reads inotify records, lists the inbox
/// when events were lost, and feeds all of it to the `SettleTable`, whose decisions it carries out
/// (drops out, bundle watches added and removed, log lines).
///
/// The syscalls are all here (and in the scanner, `WatchLoop+Scan.swift`); the decisions are all in the
/// table. Lives on one thread only; every method is synchronous and may block briefly on syscalls.
final class WatchLoop: InboxLoop {
    typealias Instant = ContinuousClock.Instant
    typealias ScanReason = SettleTable.ScanReason

    /// How often a lost inbox is looked for again.
    static let reestablishInterval: Duration = .milliseconds(250)
    /// Bytes read from the inotify descriptor at once (many records per read).
    static let readBufferSize = 64 * 1024

    let inbox: String
    let logger: Logger
    let inotify: InotifyDescriptor
    let control: RunControl
    let output: WatchOutputBuffer
    let clock = ContinuousClock()
    let readBuffer: UnsafeMutableRawBufferPointer

    var table: SettleTable
    var inboxWatch: Int32?
    /// Names already logged as left alone: logged once per name, remembered across renames and rescans
    /// (bounded: the oldest are forgotten first), so a storm of events or rescans does not repeat them.
    var mentioned = BoundedNameSet(capacity: 4096)
    /// The raw bytes of names that are not valid UTF-8, by their `NameRendering` (the key used everywhere
    /// else), while they are pending or reported.
    var rawNames: [String: [UInt8]] = [:]
    var nextReestablishAttempt: Instant?

    init(
        inbox: String, inboxWatch: Int32, settle: Duration, logger: Logger,
        inotify: InotifyDescriptor, control: RunControl, output: WatchOutputBuffer
    ) {
        var logger = logger
        logger[metadataKey: "inbox"] = "\(inbox)"
        self.inbox = inbox
        self.inboxWatch = inboxWatch
        self.table = SettleTable(settle: settle)
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
            apply(.deadlinesPassed, now: clock.now)
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
        var earliest = table.nextDeadline
        if inboxWatch == nil, let attempt = nextReestablishAttempt {
            earliest = min(earliest ?? attempt, attempt)
        }
        return waitMilliseconds(from: now, to: earliest)
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

    // MARK: - Events to the table

    func handle(_ event: InotifyEvent, now: Instant) {
        if event.has(InotifyMask.queueOverflow) {
            logger.warning("inotify event queue overflowed; rescanning the inbox")
            scan(.overflow)
        } else if let inboxWatch, event.watch == inboxWatch {
            if event.has(InotifyMask.lost) {
                inboxLost()
            } else if !event.name.isEmpty {
                handleInboxEvent(event, now: now)
            }
        } else {
            apply(.watched(watch: event.watch, child: event.name, mask: event.mask), now: now)
        }
    }

    func handleInboxEvent(_ event: InotifyEvent, now: Instant) {
        if event.has(InotifyMask.delete | InotifyMask.movedFrom) {
            // The name left: no need to warn about its bytes; its raw name goes once nothing is pending.
            let name = String(validating: event.name, as: UTF8.self) ?? NameRendering.render(event.name)
            apply(.inbox(name: name, mask: event.mask), now: now)
            if table.pending[name] == nil { rawNames[name] = nil }
            return
        }
        apply(.inbox(name: decodedName(event.name), mask: event.mask), now: now)
    }

    /// Carries out one action of the table; returns what the table must learn from it, if anything.
    func perform(_ action: SettleTable.Action) -> SettleTable.Event? {
        switch action {
        case .watchBundle(let name):
            return watchBundle(name)
        case .removeWatch(let watch):
            inotify.removeWatch(watch)
        default:
            report(action)
        }
        return nil
    }

    /// Watches the bundle `name` (its top level); the watch, or nil with a warning when it cannot be had
    /// (the bundle is then reported after the settle window without watching its contents).
    func watchBundle(_ name: String) -> SettleTable.Event? {
        let result = rawNames[name] != nil
            ? .failure(SystemErrno(number: EILSEQ)) : inotify.addWatch(path(name), mask: InotifyMask.bundle)
        switch result {
        case .success(let watch):
            return .bundleWatched(name: name, watch: watch)
        case .failure(let failure):
            let number = failure.number
            let limit =
                number == ENOSPC
                ? " (fs.inotify.max_user_watches = \(procValue("/proc/sys/fs/inotify/max_user_watches")) reached)" : ""
            logger.warning(
                "cannot watch bundle \(name): \(errorText(number))\(limit); it is reported after the settle window without watching its contents"
            )
            return nil
        }
    }

    func finish() {
        inotify.close()
        readBuffer.deallocate()
        output.finish()
        control.markFinished()
    }
}
