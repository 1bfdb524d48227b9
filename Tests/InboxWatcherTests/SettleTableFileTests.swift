import InboxWatcher
import Testing

/// Files settling over time: deadlines, postpones, writers, drops and their fingerprints.
@Suite("settle table: files")
struct SettleTableFileTests {
    @Test("a file is a drop when its window passes, with the fingerprint seen then")
    func settlesThenDrops() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        #expect(driver.inbox("a", Mask.closeWrite, at: 0) == [])
        #expect(driver.nextDeadline == 100)
        #expect(driver.tick(99) == [.ready])
        driver.inbox.entries["a"] = regular(1, version: 2)  // re-stamped without an event: what is seen at the deadline counts
        #expect(driver.tick(100) == [driver.drop("a")])
        #expect(driver.deadlines.isEmpty)
        #expect(driver.table.reported["a"] == regular(1, version: 2).fingerprint)
        #expect(driver.tick(500) == [])
    }

    @Test("a write holds the file until its next close; the close starts a new window")
    func writerHolds() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.inbox("a", Mask.closeWrite, at: 0)
        #expect(driver.inbox("a", Mask.modify, at: 50) == [])
        #expect(driver.deadlines == ["a": nil])
        #expect(driver.nextDeadline == nil)
        #expect(driver.inbox("a", Mask.modify, at: 60) == [])
        #expect(driver.tick(5_000).filter(\.isDrop) == [])
        #expect(driver.inbox("a", Mask.closeWrite, at: 5_000) == [])
        #expect(driver.deadlines == ["a": 5_100])
        #expect(driver.tick(5_100) == [driver.drop("a")])
    }

    @Test("a change of metadata postpones a settling file, not one held by a writer")
    func attribPostpones() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        driver.inbox.entries["w"] = regular(2)
        _ = driver.inbox("a", Mask.closeWrite, at: 0)
        _ = driver.inbox("w", Mask.modify, at: 0)
        #expect(driver.inbox("a", Mask.attrib, at: 80) == [])
        #expect(driver.inbox("w", Mask.attrib, at: 80) == [])
        #expect(driver.deadlines == ["a": 180, "w": nil])
        #expect(driver.tick(100).filter(\.isDrop) == [])
        #expect(driver.tick(180) == [driver.drop("a")])
    }

    @Test("a file created in place and still empty at its deadline waits another window")
    func emptyCreatedWaits() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1, size: 0)
        _ = driver.inbox("a", Mask.create, at: 0)
        #expect(driver.tick(100).filter(\.isDrop) == [])
        #expect(driver.deadlines == ["a": 200])
        driver.inbox.entries["a"] = regular(1, size: 7)
        #expect(driver.tick(200) == [driver.drop("a")])
    }

    @Test("a file created in place with content already (O_TMPFILE + linkat) is a drop after one window")
    func linkedWithContent() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1, size: 7)
        _ = driver.inbox("a", Mask.create, at: 0)
        #expect(driver.tick(100) == [driver.drop("a"), .ready])
    }

    @Test("a name that leaves before it settles is given up; one gone or changed at its deadline too")
    func givenUp() {
        var driver = SettleDriver()
        for (inode, name) in ["left", "vanished", "changed"].enumerated() {
            driver.inbox.entries[name] = regular(UInt64(inode + 1))
            _ = driver.inbox(name, Mask.closeWrite, at: inode)
        }
        driver.inbox.entries["left"] = nil
        #expect(driver.inbox("left", Mask.movedFrom, at: 50) == [.giveUp(name: "left", .leftInbox)])
        driver.inbox.entries["vanished"] = nil
        driver.inbox.entries["changed"] = directory(9)
        #expect(
            driver.tick(200) == [
                .giveUp(name: "vanished", .vanished), .giveUp(name: "changed", .changedType(.directory)), .ready,
            ])
        #expect(driver.deadlines.isEmpty)
    }

    @Test("due names go out earliest deadline first, ties in the order they started settling")
    func order() {
        var driver = SettleDriver()
        for (inode, name) in ["b", "a", "c"].enumerated() { driver.inbox.entries[name] = regular(UInt64(inode + 1)) }
        _ = driver.inbox("b", Mask.closeWrite, at: 10)
        _ = driver.inbox("a", Mask.closeWrite, at: 0)
        _ = driver.inbox("c", Mask.closeWrite, at: 10)
        #expect(driver.tick(500).filter(\.isDrop) == [driver.drop("a"), driver.drop("b"), driver.drop("c")])
    }

    @Test("a rewrite of a reported name is a new drop; deleting it forgets it")
    func rewrite() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.inbox("a", Mask.closeWrite, at: 0)
        #expect(driver.tick(100).filter(\.isDrop) == [driver.drop("a")])
        driver.inbox.entries["a"] = regular(1, size: 20, version: 2)
        _ = driver.inbox("a", Mask.modify, at: 200)
        _ = driver.inbox("a", Mask.closeWrite, at: 210)
        #expect(driver.tick(310) == [driver.drop("a")])
        driver.inbox.entries["a"] = nil
        #expect(driver.inbox("a", Mask.delete, at: 400) == [])
        #expect(driver.table.reported.isEmpty)
    }
}

extension SettleTable.Action {
    /// True for `.drop`.
    var isDrop: Bool {
        if case .drop = self { true } else { false }
    }
}
