import Glibc
import Logging
import SystemSupport

/// The polling watcher thread, for inboxes where inotify does not see every write (a network share): lists
/// the inbox every poll interval (and at once when a rescan is requested), hands each listing to the
/// `SettleTable` as a poll scan followed by `.deadlinesPassed`, and carries out what the table decides.
///
/// Metadata only: the inbox is opened as a directory for each scan, its entries looked at with `fstatat`
/// relative to that descriptor (never following a symlink), a pending bundle listed through a descriptor of
/// its own (`O_NOFOLLOW`); no file is opened. An inbox removed, moved away or replaced is followed as with
/// inotify: everything is forgotten and the new one scanned like at start. A scan that fails otherwise (an
/// I/O error on a share) changes nothing: the next one tries again. Lives on one thread only.
final class PollLoop: InboxLoop {
    typealias Instant = ContinuousClock.Instant
    typealias ScanReason = SettleTable.ScanReason

    /// The device and inode of a directory: what tells a replaced inbox.
    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    let inbox: String
    let logger: Logger
    let output: WatchOutputBuffer
    let control: RunControl
    /// The time between the starts of two scans.
    let interval: Duration
    let clock = ContinuousClock()

    var table: SettleTable
    var rawNames: [String: [UInt8]] = [:]
    var mentioned = BoundedNameSet(capacity: 4096)
    /// The inbox's descriptor while a scan is handled; -1 otherwise.
    private var inboxFD: Int32 = -1
    /// The inbox as the last scan found it; nil before the first scan and while it is missing.
    private var inboxIdentity: Identity?
    /// True from the inbox's loss until it is found again.
    private var inboxLost = false
    /// The errno of the last failed scan, so that a failure repeated every interval is logged once.
    private var lastFailure: Int32?

    init(
        inbox: String, settle: Duration, interval: Duration, logger: Logger, control: RunControl,
        output: WatchOutputBuffer
    ) {
        var logger = logger
        logger[metadataKey: "inbox"] = "\(inbox)"
        self.inbox = inbox
        self.interval = interval
        self.table = SettleTable(settle: settle)
        self.logger = logger
        self.control = control
        self.output = output
    }

    /// Scans at once, then every `interval` (or when a rescan is requested), until a stop is requested;
    /// then ends the output and signals the end to `control`.
    func run() {
        defer {
            output.finish()
            control.markFinished()
        }
        var reason = ScanReason.startup
        var nextScan = clock.now
        while true {
            let requests = control.takeRequests()
            if requests.stop { return }
            let now = clock.now
            if requests.rescan || now >= nextScan {
                if scan(requests.rescan && reason == .poll ? .requested : reason, now: now) {
                    reason = .poll
                }
                nextScan = now + interval
            }
            waitForWake(until: nextScan)
        }
    }

    /// Sleeps until `deadline`, or until the run control wakes the thread (a stop or rescan request).
    private func waitForWake(until deadline: Instant) {
        var descriptors = [pollfd(fd: control.wakeReadEnd, events: Int16(POLLIN), revents: 0)]
        let result = poll(&descriptors, 1, waitMilliseconds(from: clock.now, to: deadline))
        if result > 0 { control.drainWakePipe() }
    }

    // MARK: - Scans

    /// Lists the inbox for `reason` and lets the table decide; false when the inbox could not be listed
    /// (it is then scanned again for the same reason, or as re-established once it is back).
    func scan(_ reason: ScanReason, now: Instant) -> Bool {
        let fd = open(inbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let number = errno
            if number == ENOENT || number == ENOTDIR {
                lose("the inbox was removed or moved away; looking for it every poll interval", now: now)
            } else {
                failed(number)
            }
            return false
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            failed(errno)
            return false
        }
        let identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        var reason = reason
        if let known = inboxIdentity, known != identity {
            lose("the inbox was replaced by another folder; scanning the new one", now: now)
        }
        if inboxLost {
            inboxLost = false
            logger.notice("the inbox is back; polling it again")
            reason = .reestablished
        }
        let listed: [[UInt8]]
        switch directoryEntries(of: fd) {
        case .success(let names): listed = names
        case .failure(let failure):
            failed(failure.number)
            return false
        }
        if lastFailure != nil {
            lastFailure = nil
            logger.notice("the inbox can be listed again")
        }
        inboxIdentity = identity
        inboxFD = fd
        defer { inboxFD = -1 }
        apply(.polled(names: listed.map(decodedName), reason: reason), now: now)
        apply(.deadlinesPassed, now: now)
        if !rawNames.isEmpty {
            rawNames = rawNames.filter { table.pending[$0.key] != nil || table.reported[$0.key] != nil }
        }
        return true
    }

    /// The inbox is gone (or another folder took its place): forget everything; `message` once per loss.
    private func lose(_ message: String, now: Instant) {
        inboxIdentity = nil
        if !inboxLost {
            logger.warning("\(message)")
        }
        inboxLost = true
        apply(.inboxLost, now: now)
        apply(.deadlinesPassed, now: now)
        rawNames = [:]
        mentioned.removeAll()
    }

    /// A scan failed with `number` (other than the inbox missing): logged once until it changes.
    private func failed(_ number: Int32) {
        guard lastFailure != number else { return }
        lastFailure = number
        logger.error("cannot list the inbox: \(errorText(number)); trying again every poll interval")
    }

    // MARK: - Looking at entries

    /// The inbox entry `name` (or its entry `child`) by `fstatat` relative to the inbox being scanned.
    func status(of name: String, child: [UInt8]?) -> FileStatus? {
        guard inboxFD >= 0 else { return nil }
        guard let child else { return FileStatus.at(inboxFD, rawName(name)) }
        return withDirectory(name) { FileStatus.at($0, child) }
    }

    /// The entries at the top level of the bundle `name`, each looked at with `fstatat` relative to it.
    func members(of name: String) -> [PollSignature.Member]? {
        withDirectory(name) { fd in
            guard case .success(let names) = directoryEntries(of: fd) else { return nil }
            return names.compactMap { member in
                FileStatus.at(fd, member).map { PollSignature.Member(name: member, status: $0) }
            }
        }
    }

    /// `body` with a descriptor of the directory `name` of the inbox (never through a symlink); nil when it
    /// cannot be opened as one.
    private func withDirectory<T>(_ name: String, _ body: (Int32) -> T?) -> T? {
        guard inboxFD >= 0 else { return nil }
        let fd = (rawName(name) + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                openat(inboxFD, $0.baseAddress!, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            }
        }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return body(fd)
    }

    /// Carries out one action of the table (a poll scan never asks for an inotify watch).
    func perform(_ action: SettleTable.Action) -> SettleTable.Event? {
        report(action)
        return nil
    }
}
