import Glibc
import Logging

/// The watcher thread's scanner: lists the inbox for the table, gives up and re-establishes the inbox
/// watch, and reaches entries by their raw names.
extension WatchLoop {
    // MARK: - Scans and the inbox watch

    /// Lists the inbox and hands the names to the table (which decides what settles).
    func scan(_ reason: ScanReason) {
        guard inboxWatch != nil else { return }
        let now = clock.now
        let listed: [[UInt8]]
        switch directoryEntries(inbox) {
        case .success(let names): listed = names
        case .failure(let failure):
            logger.error("cannot list the inbox (\(reason.rawValue)): \(errorText(failure.number))")
            return
        }
        apply(.listed(names: listed.map(decodedName), reason: reason), now: now)
    }

    /// The inbox was deleted, moved away or unmounted: forget everything and look for it again.
    func inboxLost() {
        guard let watch = inboxWatch else { return }
        inotify.removeWatch(watch)
        inboxWatch = nil
        apply(.inboxLost, now: clock.now)
        rawNames = [:]
        mentioned.removeAll()
        nextReestablishAttempt = clock.now
        logger.warning("the inbox was removed or moved away; watching for it to come back")
    }

    func reestablish(now: Instant) {
        switch inotify.addWatch(inbox, mask: InotifyMask.inbox) {
        case .success(let watch):
            inboxWatch = watch
            nextReestablishAttempt = nil
            logger.notice("the inbox is back; watching it again")
            scan(.reestablished)
        case .failure(let failure):
            nextReestablishAttempt = now + Self.reestablishInterval
            if failure.number != ENOENT, failure.number != ENOTDIR {
                logger.debug("cannot watch the inbox yet: \(errorText(failure.number))")
            }
        }
    }

    /// What `lstat` says about the inbox entry `name` (or its entry `child`), reached by its raw bytes.
    func status(of name: String, child: [UInt8]? = nil) -> FileStatus? {
        var bytes = Array(inbox.utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes += rawName(name)
        if let child {
            bytes.append(UInt8(ascii: "/"))
            bytes += child
        }
        return FileStatus.of(bytes: bytes)
    }
}
