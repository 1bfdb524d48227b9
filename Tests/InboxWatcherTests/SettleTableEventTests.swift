import InboxWatcher
import Testing

/// One inotify record on an empty table: what it asks for and what starts settling.
struct SingleEventCase: Sendable, CustomTestStringConvertible {
    var label: String
    /// What `lstat` says about "x" (nil: nothing there).
    var entry: FileStatus?
    var mask: UInt32
    var name = "x"
    /// The actions, with `nil` fingerprint placeholders resolved to the entry's.
    var actions: [SettleTable.Action]
    /// The pending names and their deadline (ms; nil when held by a writer).
    var deadlines: [String: Int?]
    var justCreated = false

    var testDescription: String { label }
}

@Suite("settle table: single events")
struct SettleTableEventTests {
    static let fifo = other(.fifo)
    static let link = other(.symlink)
    static let folder = directory(5)

    static let cases: [SingleEventCase] = [
        .init(label: "closed after writing: settles", entry: regular(1), mask: Mask.closeWrite, actions: [], deadlines: ["x": 100]),
        .init(label: "moved in: settles", entry: regular(1), mask: Mask.movedTo, actions: [], deadlines: ["x": 100]),
        .init(label: "created in place: settles, just created", entry: regular(1, size: 0), mask: Mask.create,
              actions: [], deadlines: ["x": 100], justCreated: true),
        .init(label: "a hard link created: settles, complete already", entry: regular(1, links: 2), mask: Mask.create,
              actions: [], deadlines: ["x": 100]),
        .init(label: "a fifo created: left alone", entry: fifo, mask: Mask.create,
              actions: [.leaveAlone(name: "x", .notRegularOrDirectory(.fifo))], deadlines: [:]),
        .init(label: "a symlink moved in: left alone", entry: link, mask: Mask.movedTo,
              actions: [.leaveAlone(name: "x", .notRegularOrDirectory(.symlink))], deadlines: [:]),
        .init(label: "closed under a name that is not there (O_TMPFILE): nothing", entry: nil, mask: Mask.closeWrite,
              actions: [], deadlines: [:]),
        .init(label: "a temporary name: left alone", entry: regular(1), mask: Mask.closeWrite, name: "x.part",
              actions: [.leaveAlone(name: "x.part", .temporaryName)], deadlines: [:]),
        .init(label: "a hidden name: left alone", entry: regular(1), mask: Mask.movedTo, name: ".x",
              actions: [.leaveAlone(name: ".x", .temporaryName)], deadlines: [:]),
        .init(label: "a directory created: watched, settles", entry: folder, mask: Mask.create | Mask.directory,
              actions: [.watchBundle(name: "x")], deadlines: ["x": 100]),
        .init(label: "a directory moved in: a drop at once", entry: folder, mask: Mask.movedTo | Mask.directory,
              actions: [.drop(name: "x", kind: .directory, fingerprint: folder.fingerprint)], deadlines: [:]),
        .init(label: "moved in as a directory but a file by now: settles as a file", entry: regular(1),
              mask: Mask.movedTo | Mask.directory, actions: [], deadlines: ["x": 100]),
        .init(label: "written, not closed: held by its writer", entry: regular(1), mask: Mask.modify,
              actions: [], deadlines: ["x": nil]),
        .init(label: "a symlink written to: nothing", entry: link, mask: Mask.modify, actions: [], deadlines: [:]),
        .init(label: "metadata of a name not settling: nothing", entry: regular(1), mask: Mask.attrib, actions: [], deadlines: [:]),
        .init(label: "a name not settling deleted: nothing", entry: nil, mask: Mask.delete, actions: [], deadlines: [:]),
        .init(label: "a name not settling moved away: nothing", entry: nil, mask: Mask.movedFrom, actions: [], deadlines: [:]),
    ]

    @Test("an inotify record on an empty table", arguments: cases)
    func singleEvent(_ row: SingleEventCase) {
        var driver = SettleDriver()
        driver.inbox.entries[row.name] = row.entry
        #expect(driver.inbox(row.name, row.mask, at: 0) == row.actions)
        #expect(driver.deadlines == row.deadlines)
        #expect((driver.table.pending[row.name]?.justCreated ?? false) == row.justCreated)
        // Nothing is reported before its time, and nothing but `.ready` for an empty start-up listing.
        #expect(driver.tick(99).filter { if case .drop = $0 { true } else { false } } == [])
    }

    @Test("a watch is asked for each bundle, and the table learns it")
    func bundleWatchFeedback() {
        var driver = SettleDriver()
        driver.inbox.entries["b"] = directory(5)
        #expect(driver.inbox("b", Mask.create | Mask.directory, at: 0) == [.watchBundle(name: "b")])
        #expect(driver.send(.bundleWatched(name: "b", watch: 7), at: 0) == [])
        #expect(driver.table.bundleWatches == [7: "b"])
        #expect(driver.table.pending["b"]?.watch == 7)
        // The same directory created again: no second watch, only a later deadline.
        #expect(driver.inbox("b", Mask.create | Mask.directory, at: 40) == [])
        #expect(driver.deadlines == ["b": 140])
    }

    @Test("a watch that comes after its bundle stopped settling is removed again")
    func lateWatchRemoved() {
        var driver = SettleDriver()
        #expect(driver.send(.bundleWatched(name: "gone", watch: 9), at: 0) == [.removeWatch(9)])
        #expect(driver.table.bundleWatches.isEmpty)
    }

    @Test("records of a watch the table does not know change nothing")
    func unknownWatch() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.inbox("a", Mask.closeWrite, at: 0)
        #expect(driver.send(.watched(watch: 42, child: Array("m".utf8), mask: Mask.modify), at: 50) == [])
        #expect(driver.deadlines == ["a": 100])
    }
}
