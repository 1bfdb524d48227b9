import InboxWatcher
import Testing

/// Bundle directories filled in place: their watch, what happens inside, and their drop.
@Suite("settle table: bundles")
struct SettleTableBundleTests {
    /// A table with the bundle "b" created in place at 0 and watched as 7.
    private func watchedBundle() -> SettleDriver {
        var driver = SettleDriver()
        driver.inbox.entries["b"] = directory(5)
        driver.inbox.members["b"] = [:]
        _ = driver.inbox("b", Mask.create | Mask.directory, at: 0)
        _ = driver.send(.bundleWatched(name: "b", watch: 7), at: 0)
        return driver
    }

    private let member = Array("part.mp4".utf8)

    @Test("anything inside postpones it; an entry being written holds it until closed; then its watch goes and it drops")
    func writersHold() {
        var driver = watchedBundle()
        driver.inbox.members["b"]![member] = regular(20, size: 0)
        #expect(driver.send(.watched(watch: 7, child: member, mask: Mask.create), at: 50) == [])
        #expect(driver.deadlines == ["b": 150])
        #expect(driver.table.pending["b"]?.createdEntries == [member])
        #expect(driver.send(.watched(watch: 7, child: member, mask: Mask.modify), at: 60) == [])
        #expect(driver.deadlines == ["b": nil])
        #expect(driver.tick(5_000).filter(\.isDrop) == [])
        driver.inbox.members["b"]![member] = regular(20, size: 3_000)
        #expect(driver.send(.watched(watch: 7, child: member, mask: Mask.closeWrite), at: 5_000) == [])
        #expect(driver.deadlines == ["b": 5_100])
        #expect(driver.tick(5_100) == [.removeWatch(7), driver.drop("b")])
        #expect(driver.table.bundleWatches.isEmpty)
    }

    @Test("an entry created inside and still empty at the deadline holds the bundle another window")
    func emptyMemberWaits() {
        var driver = watchedBundle()
        driver.inbox.members["b"]![member] = regular(20, size: 0)
        _ = driver.send(.watched(watch: 7, child: member, mask: Mask.create), at: 50)
        #expect(driver.tick(150).filter(\.isDrop) == [])
        #expect(driver.deadlines == ["b": 250])
        driver.inbox.members["b"]![member] = regular(20, size: 10)
        #expect(driver.tick(250) == [.removeWatch(7), driver.drop("b")])
    }

    @Test("an entry moved inside, or a directory made inside, only postpones")
    func otherMemberEvents() {
        var driver = watchedBundle()
        driver.inbox.members["b"]![member] = regular(20, size: 0)
        _ = driver.send(.watched(watch: 7, child: member, mask: Mask.movedTo), at: 30)
        _ = driver.send(.watched(watch: 7, child: Array("sub".utf8), mask: Mask.create | Mask.directory), at: 40)
        #expect(driver.table.pending["b"]?.createdEntries == [])
        #expect(driver.deadlines == ["b": 140])
        // The bundle's own changes (tar sets its times) postpone it through the inbox watch.
        #expect(driver.inbox("b", Mask.attrib | Mask.directory, at: 90) == [])
        #expect(driver.inbox("b", Mask.modify | Mask.directory, at: 95) == [])
        #expect(driver.deadlines == ["b": 195])
    }

    @Test("a bundle that leaves before it settles loses its watch")
    func leaves() {
        var driver = watchedBundle()
        driver.inbox.entries["b"] = nil
        #expect(driver.inbox("b", Mask.movedFrom | Mask.directory, at: 50) == [.giveUp(name: "b", .leftInbox), .removeWatch(7)])
        #expect(driver.table.bundleWatches.isEmpty)
        #expect(driver.tick(500).filter(\.isDrop) == [])
    }

    @Test("a watch the kernel ended (IN_IGNORED) is forgotten without removing it; the bundle still drops")
    func watchEnded() {
        var driver = watchedBundle()
        #expect(driver.send(.watched(watch: 7, child: [], mask: Mask.ignored), at: 20) == [])
        #expect(driver.table.bundleWatches.isEmpty)
        #expect(driver.table.pending["b"]?.watch == nil)
        #expect(driver.deadlines == ["b": 100])
        #expect(driver.tick(100) == [driver.drop("b"), .ready])
    }

    @Test("a bundle moved in drops at once, after what was due already, and replaces one settling under its name")
    func movedIn() {
        var driver = watchedBundle()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.inbox("a", Mask.closeWrite, at: 0)
        driver.inbox.entries["b"] = directory(6)
        #expect(
            driver.inbox("b", Mask.movedTo | Mask.directory, at: 150)
                == [.removeWatch(7), driver.drop("a"), driver.drop("b")])
        #expect(driver.deadlines.isEmpty)
    }

    @Test("a file replacing a settling bundle settles as a file; the bundle's watch goes")
    func replacedByFile() {
        var driver = watchedBundle()
        driver.inbox.entries["b"] = regular(8)
        #expect(driver.inbox("b", Mask.closeWrite, at: 50) == [.removeWatch(7)])
        #expect(driver.table.pending["b"]?.kind == .file)
        #expect(driver.tick(150) == [driver.drop("b"), .ready])
    }
}
