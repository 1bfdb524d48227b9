/// The settle table's answers to single inotify records: names created, written, closed, moved in or
/// away, and what happens inside bundles being filled in place.
extension SettleTable {
    // MARK: - Events

    /// A record of the inbox watch about its entry `name`: it leaves, is left alone, or starts, keeps or
    /// stops settling.
    mutating func inboxEvent(_ name: String, mask: UInt32, now: Instant) {
        func has(_ bits: UInt32) -> Bool { mask & bits != 0 }
        if has(InotifyMask.delete | InotifyMask.movedFrom) {
            forget(name)
            return
        }
        if DropRules.isIgnoredName(name) {
            emit(.leaveAlone(name: name, .temporaryName))
            return
        }
        // Changed since the start-up listing: reported when it settles, like any new drop; not waited for by `.ready`.
        awaitingInitial?.remove(name)
        let isDirectory = has(InotifyMask.isDirectory)
        if has(InotifyMask.create) {
            if isDirectory { beginBundle(name, now: now) } else { fileCreated(name, now: now) }
        }
        if has(InotifyMask.movedTo) {
            if isDirectory { bundleMovedIn(name, now: now) } else { fileArrived(name, now: now) }
        }
        if isDirectory {
            // A directory's own changes (tar, for one, makes IN_MODIFY on it) only postpone a pending bundle.
            if has(InotifyMask.modify | InotifyMask.attrib) { postpone(name, now: now) }
            return
        }
        if has(InotifyMask.modify) {
            writerActive(name, now: now)
        }
        if has(InotifyMask.closeWrite) {
            fileArrived(name, now: now)
        }
        if has(InotifyMask.attrib) {
            postpone(name, now: now)
        }
    }

    /// Anything inside a bundle being filled in place postpones it; entries being written hold it.
    mutating func watchedEvent(_ watch: Int32, child: [UInt8], mask: UInt32, now: Instant) {
        func has(_ bits: UInt32) -> Bool { mask & bits != 0 }
        guard let bundle = bundleWatches[watch], var entry = pending[bundle], entry.watch == watch else { return }
        if has(InotifyMask.lost) {
            // Leaving the inbox is reported by the inbox watch; here only the watch's end matters.
            if has(InotifyMask.ignored) {
                bundleWatches[watch] = nil
                entry.watch = nil
                pending[bundle] = entry
            }
            return
        }
        entry.deadline = now + settle
        awaitingInitial?.remove(bundle)
        if !has(InotifyMask.isDirectory), !child.isEmpty {
            if has(InotifyMask.create), let status = status(of: bundle, child: child),
                status.kind == .regular, status.linkCount == 1
            {
                entry.createdEntries.insert(child)
            }
            if has(InotifyMask.modify) {
                entry.createdEntries.remove(child)
                entry.activeWriters.insert(child)
            }
            if has(InotifyMask.closeWrite | InotifyMask.delete | InotifyMask.movedFrom) {
                entry.createdEntries.remove(child)
                entry.activeWriters.remove(child)
            }
        }
        pending[bundle] = entry
    }

    /// The watch asked for `name` is in place; one no longer needed (the name stopped settling as a bundle
    /// meanwhile) is removed again.
    mutating func bundleWatched(_ name: String, watch: Int32) {
        guard var entry = pending[name], entry.kind == .directory, entry.watch == nil else {
            if bundleWatches[watch] == nil { emit(.removeWatch(watch)) }
            return
        }
        entry.watch = watch
        bundleWatches[watch] = name
        pending[name] = entry
    }

    // MARK: - Transitions

    /// A name created in place: a file about to be written, a hard link (complete already) or
    /// something to leave alone.
    mutating func fileCreated(_ name: String, now: Instant) {
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
            emit(.leaveAlone(name: name, .notRegularOrDirectory(status.kind)))
        }
    }

    /// A file closed after writing or moved in: it settles from now.
    mutating func fileArrived(_ name: String, now: Instant) {
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
            emit(.leaveAlone(name: name, .notRegularOrDirectory(status.kind)))
        }
    }

    /// A writer has the file open: it is not a drop before its next close.
    mutating func writerActive(_ name: String, now: Instant) {
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

    /// `name` settles as a file from now (a bundle settling under that name before loses its watch).
    mutating func startSettling(_ name: String, now: Instant) {
        if let old = pending[name], let watch = old.watch { removeBundleWatch(watch) }
        pending[name] = Pending(kind: .file, deadline: now + settle, order: nextOrder())
    }

    /// Metadata changed (e.g. `cp -p` setting times after the close): a settling name waits longer.
    mutating func postpone(_ name: String, now: Instant) {
        guard var entry = pending[name], entry.deadline != nil else { return }
        entry.deadline = now + settle
        pending[name] = entry
    }

    /// A directory created in place or found by a listing: watched (its top level only) until nothing
    /// changed in it for the settle window.
    mutating func beginBundle(_ name: String, now: Instant) {
        guard let status = status(of: name), status.kind == .directory else { return }
        if var entry = pending[name], entry.kind == .directory {
            entry.deadline = now + settle
            pending[name] = entry
            return
        }
        pending[name] = Pending(kind: .directory, deadline: now + settle, order: nextOrder())
        emit(.watchBundle(name: name))
    }

    /// A directory moved in is complete: it is a drop at once.
    mutating func bundleMovedIn(_ name: String, now: Instant) {
        guard let status = status(of: name) else { return }
        guard status.kind == .directory else {
            fileArrived(name, now: now)
            return
        }
        if let old = pending.removeValue(forKey: name), let watch = old.watch { removeBundleWatch(watch) }
        emitDue(now: now)
        report(name, kind: .directory, fingerprint: status.fingerprint)
    }

    /// The name left the inbox (deleted or moved away): nothing pending or remembered stays.
    mutating func forget(_ name: String) {
        reported[name] = nil
        if pending[name] != nil {
            emit(.giveUp(name: name, .leftInbox))
            cancel(name)
        }
    }

    /// `name` stops settling, without a word.
    mutating func cancel(_ name: String) {
        if let entry = pending.removeValue(forKey: name), let watch = entry.watch {
            removeBundleWatch(watch)
        }
        awaitingInitial?.remove(name)
    }

    /// The watch `watch` is no longer needed.
    mutating func removeBundleWatch(_ watch: Int32) {
        bundleWatches[watch] = nil
        emit(.removeWatch(watch))
    }
}
