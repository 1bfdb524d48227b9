/// The settle table's answers to a listing of the inbox and to the inbox's loss.
extension SettleTable {
    /// Makes every listed entry not pending yet and not reported unchanged a pending name with a settle
    /// deadline. After lost events, pending names that are gone are dropped and writers are no longer
    /// waited for (their close may have been lost).
    mutating func listed(_ names: [String], reason: ScanReason, now: Instant) {
        let eventsWereLost = reason != .startup
        if eventsWereLost {
            let present = Set(names)
            for name in pending.keys where !present.contains(name) {
                cancel(name)
            }
        }
        var added = 0
        for name in names {
            guard let (kind, status) = candidate(name) else { continue }
            if var entry = pending[name], entry.kind == kind {
                if eventsWereLost {
                    entry.deadline = now + settle
                    entry.activeWriters = []
                    pending[name] = entry
                }
                continue
            }
            if let seen = reported[name], seen.isSameVersion(as: status.fingerprint) { continue }
            if kind == .file { startSettling(name, now: now) } else { beginBundle(name, now: now) }
            if reason == .startup, pending[name] != nil { awaitingInitial?.insert(name) }
            added += 1
        }
        emit(.listed(reason: reason, added: added))
    }

    /// A listed name that may be a drop: a regular file or a directory, with its status. Ignored names and
    /// other kinds of entries are left alone (said once by the `leaveAlone` action) and give nil, as does a
    /// name gone since it was listed.
    mutating func candidate(_ name: String) -> (DropKind, FileStatus)? {
        if DropRules.isIgnoredName(name) {
            emit(.leaveAlone(name: name, .temporaryName))
            return nil
        }
        guard let status = status(of: name) else { return nil }
        switch status.kind {
        case .regular: return (.file, status)
        case .directory: return (.directory, status)
        default:
            emit(.leaveAlone(name: name, .notRegularOrDirectory(status.kind)))
            return nil
        }
    }

    /// The inbox was deleted, moved away or unmounted: every bundle watch goes, nothing is remembered.
    mutating func inboxLost() {
        for watch in bundleWatches.keys { emit(.removeWatch(watch)) }
        bundleWatches = [:]
        pending = [:]
        reported = [:]
        if awaitingInitial != nil { awaitingInitial = [] }
    }
}
