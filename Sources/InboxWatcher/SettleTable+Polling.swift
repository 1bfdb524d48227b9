/// The settle table's answer to a poll scan: where inotify cannot be had (a network share), a name settles
/// when two scans at least the settle window apart see it unchanged (`PollSignature`); two scans at least,
/// even with no settle window.
extension SettleTable {
    /// A poll scan listed `names` at `now`. Each regular file or directory not reported unchanged is looked
    /// at (`PollSignature`): one seen for the first time, or changed since the last scan, settles from now;
    /// one unchanged keeps its deadline, so the `.deadlinesPassed` that follows the scan reports it once the
    /// window has passed since it was first seen as it is. Names no longer listed are forgotten, pending
    /// or reported (a name that comes back is a new drop); a rename is a new name. Ignored names and other
    /// kinds of entries are left alone as in a listing.
    mutating func polled(_ names: [String], reason: ScanReason, now: Instant) {
        // Two scans at least: with no settle window, a name is due from the scan after the one that saw it.
        let window = max(settle, .nanoseconds(1))
        var present = Set<String>(minimumCapacity: names.count)
        var added = 0
        for name in names {
            guard let (kind, status) = candidate(name) else { continue }
            present.insert(name)
            if let seen = reported[name] {
                if seen.isSameVersion(as: status.fingerprint) { continue }
                reported[name] = nil
            }
            let signature = PollSignature(
                kind: kind, status: status, members: kind == .directory ? members(of: name) : nil)
            if var entry = pending[name], entry.kind == kind {
                if entry.observed != signature {
                    entry.observed = signature
                    entry.deadline = now + window
                    pending[name] = entry
                    awaitingInitial?.remove(name)
                }
                continue
            }
            var entry = Pending(kind: kind, deadline: now + window, order: nextOrder())
            entry.observed = signature
            pending[name] = entry
            if reason == .startup { awaitingInitial?.insert(name) }
            added += 1
        }
        for name in pending.keys.filter({ !present.contains($0) }) {
            emit(.giveUp(name: name, .leftInbox))
            cancel(name)
        }
        for name in reported.keys.filter({ !present.contains($0) }) {
            reported[name] = nil
        }
        if added > 0 || reason != .poll {
            emit(.listed(reason: reason, added: added))
        }
    }
}
