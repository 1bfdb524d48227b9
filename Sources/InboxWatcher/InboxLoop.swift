import Logging

/// What the inotify loop (`WatchLoop`) and the polling loop (`PollLoop`) share: the settle table, the inbox's
/// names (the raw bytes of names that are not valid UTF-8, names logged once), and carrying out the table's
/// actions that do not depend on how the inbox is watched. Lives on the watcher thread only.
protocol InboxLoop: AnyObject {
    /// The inbox folder.
    var inbox: String { get }
    /// Where log lines go (with the inbox as metadata).
    var logger: Logger { get }
    /// Where drops and `.ready` go, in order.
    var output: WatchOutputBuffer { get }
    /// The decisions.
    var table: SettleTable { get set }
    /// The raw bytes of names that are not valid UTF-8, by their `NameRendering` (the key used everywhere
    /// else), while they are pending or reported.
    var rawNames: [String: [UInt8]] { get set }
    /// Names already logged as left alone: logged once per name, remembered across renames and rescans
    /// (bounded: the oldest are forgotten first), so a storm of events or scans does not repeat them.
    var mentioned: BoundedNameSet { get set }
    /// What `lstat` says about the inbox entry `name` (or its entry `child`), reached by its raw bytes.
    func status(of name: String, child: [UInt8]?) -> FileStatus?
    /// The entries at the top level of the bundle `name` (polling only; nil by default).
    func members(of name: String) -> [PollSignature.Member]?
    /// Carries out one action of the table; returns what the table must learn from it, if anything.
    func perform(_ action: SettleTable.Action) -> SettleTable.Event?
}

extension InboxLoop {
    /// No bundle listing (inotify watches bundles instead).
    func members(of name: String) -> [PollSignature.Member]? { nil }

    /// Hands `event` to the table and carries out what it decides, in order.
    func apply(_ event: SettleTable.Event, now: ContinuousClock.Instant) {
        var queue = [event]
        while !queue.isEmpty {
            let actions = table.handle(
                queue.removeFirst(), now: now,
                stat: { [self] name, child in status(of: name, child: child) },
                members: { [self] name in members(of: name) })
            for action in actions {
                if let feedback = perform(action) { queue.append(feedback) }
            }
        }
    }

    /// Carries out an action that means the same however the inbox is watched: a drop out, `.ready`, a log
    /// line. The inotify watch actions are the caller's (ignored here).
    func report(_ action: SettleTable.Action) {
        switch action {
        case .drop(let name, let kind, let fingerprint):
            logger.debug("drop ready: \(name) (\(kind.rawValue))")
            output.yield(.drop(InboxDrop(name: name, kind: kind, fingerprint: fingerprint, rawName: rawNames[name])))
        case .leaveAlone(let name, .temporaryName):
            mention(rawName(name), "ignoring \(name): name of a temporary or hidden file")
        case .leaveAlone(let name, .notRegularOrDirectory(let kind)):
            mention(rawName(name), "ignoring \(name): a \(kind.label), not a regular file or directory")
        case .giveUp(let name, .leftInbox):
            logger.debug("\(name) left the inbox before it settled")
        case .giveUp(let name, .vanished):
            logger.debug("\(name) vanished before it settled")
        case .giveUp(let name, .changedType(let kind)):
            logger.debug("\(name) changed type before it settled (now a \(kind.label))")
        case .listed(let reason, let added):
            logger.debug("scanned the inbox (\(reason.rawValue)): \(added) new entries settling")
        case .ready:
            output.yield(.ready)
        case .watchBundle, .removeWatch:
            break
        }
    }

    /// The path of the inbox entry `name`.
    func path(_ name: String) -> String { inbox + "/" + name }

    /// The name as a String: itself when it is valid UTF-8, else its `NameRendering` (remembered with its
    /// raw bytes, and logged once as a warning): such an entry is a drop like any other and fails later.
    func decodedName(_ raw: [UInt8]) -> String {
        if let name = String(validating: raw, as: UTF8.self) { return name }
        let rendering = NameRendering.render(raw)
        rawNames[rendering] = raw
        mention(raw, "an entry's name is not valid UTF-8: \(rendering); it will be moved to failed/", level: .warning)
        return rendering
    }

    /// The raw bytes of the inbox entry `name`.
    func rawName(_ name: String) -> [UInt8] {
        rawNames[name] ?? Array(name.utf8)
    }

    /// Logs once per name (remembered across renames, see `mentioned`).
    func mention(_ raw: [UInt8], _ message: @autoclosure () -> String, level: Logger.Level = .debug) {
        if mentioned.insert(raw) {
            logger.log(level: level, "\(message())")
        }
    }
}
