import Glibc
import Logging

/// The watcher thread's scans of the inbox, its loss and return, and small helpers.
extension WatchLoop {
    // MARK: - Scans and the inbox watch

    /// Lists the inbox and makes every entry not pending yet and not reported unchanged a pending
    /// name with a settle deadline. After lost events, pending names that are gone are dropped and
    /// writers are no longer waited for (their close may have been lost).
    func scan(_ reason: ScanReason) {
        guard inboxWatch != nil else { return }
        let now = clock.now
        let names: [[UInt8]]
        switch directoryEntries(inbox) {
        case .success(let listed): names = listed
        case .failure(let failure):
            logger.error("cannot list the inbox (\(reason.rawValue)): \(errorText(failure.number))")
            return
        }
        let eventsWereLost = reason != .startup
        if eventsWereLost {
            let present = Set(names.map { String(validating: $0, as: UTF8.self) ?? NameRendering.render($0) })
            for name in pending.keys where !present.contains(name) {
                cancel(name)
            }
        }
        var added = 0
        for raw in names {
            guard let name = decodedName(raw) else { continue }
            if DropRules.isIgnoredName(name) {
                mention(raw, "ignoring \(name): name of a temporary or hidden file")
                continue
            }
            guard let status = status(of: name) else { continue }
            switch status.kind {
            case .regular, .directory:
                let kind: DropKind = status.kind == .regular ? .file : .directory
                if var entry = pending[name], entry.kind == kind {
                    if eventsWereLost {
                        entry.deadline = now + settle
                        entry.activeWriters = []
                        pending[name] = entry
                    }
                    continue
                }
                if reported[name] == status.fingerprint { continue }
                if kind == .file { startSettling(name, now: now) } else { beginBundle(name, now: now) }
                if reason == .startup, pending[name] != nil { awaitingInitial?.insert(name) }
                added += 1
            default:
                mention(raw, "ignoring \(name): a \(status.kind.label), not a regular file or directory")
            }
        }
        logger.debug("scanned the inbox (\(reason.rawValue)): \(added) new entries settling")
    }

    /// The inbox was deleted, moved away or unmounted: forget everything and look for it again.
    func inboxLost() {
        guard let watch = inboxWatch else { return }
        inotify.removeWatch(watch)
        inboxWatch = nil
        for bundleWatch in bundleWatches.keys { inotify.removeWatch(bundleWatch) }
        bundleWatches = [:]
        pending = [:]
        reported = [:]
        rawNames = [:]
        mentioned.removeAll()
        if awaitingInitial != nil { awaitingInitial = [] }
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

    // MARK: - Helpers

    func path(_ name: String) -> String { inbox + "/" + name }

    func nextOrder() -> UInt64 {
        sequence += 1
        return sequence
    }

    /// The name as a String: itself when it is valid UTF-8, else its `NameRendering` (remembered with its
    /// raw bytes, and logged once as a warning): such an entry is a drop like any other and fails later.
    func decodedName(_ raw: [UInt8]) -> String? {
        if let name = String(validating: raw, as: UTF8.self) { return name }
        let rendering = NameRendering.render(raw)
        rawNames[rendering] = raw
        mention(raw, "an entry's name is not valid UTF-8: \(rendering); it will be moved to failed/", level: .warning)
        return rendering
    }

    /// What `lstat` says about the inbox entry `name` (or its entry `child`), reached by its raw bytes.
    func status(of name: String, child: [UInt8]? = nil) -> FileStatus? {
        var bytes = Array(inbox.utf8)
        bytes.append(UInt8(ascii: "/"))
        bytes += rawNames[name] ?? Array(name.utf8)
        if let child {
            bytes.append(UInt8(ascii: "/"))
            bytes += child
        }
        return FileStatus.of(bytes: bytes)
    }

    /// Logs once per name (remembered across renames, see `mentioned`).
    func mention(_ raw: [UInt8], _ message: @autoclosure () -> String, level: Logger.Level = .debug) {
        if mentioned.insert(raw) {
            logger.log(level: level, "\(message())")
        }
    }

    func finish() {
        inotify.close()
        readBuffer.deallocate()
        output.finish()
        control.markFinished()
    }
}
