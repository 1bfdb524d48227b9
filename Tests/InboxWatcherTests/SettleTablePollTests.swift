import InboxWatcher
import Testing

/// Poll scans: a name is a drop once two scans at least the settle window (100 ms) apart saw it unchanged.
@Suite("settle table: poll scans")
struct SettleTablePollTests {
    @Test("files present at start are taken after a second scan a window later; names left alone as in a listing")
    func startup() {
        var driver = SettleDriver()
        driver.inbox.entries = ["a": regular(1), "b": directory(2), "pipe": other(.fifo), ".x.tmp": regular(3)]
        driver.inbox.members["b"] = [Array("slide.png".utf8): regular(4)]
        #expect(
            driver.poll(at: 0, reason: .startup) == [
                .leaveAlone(name: ".x.tmp", .temporaryName), .leaveAlone(name: "pipe", .notRegularOrDirectory(.fifo)),
                .listed(reason: .startup, added: 2),
            ])
        #expect(driver.table.awaitingInitial == ["a", "b"])
        #expect(driver.poll(at: 50).filter { !$0.isLeftAlone } == [])
        #expect(driver.poll(at: 100).filter { !$0.isLeftAlone } == [driver.drop("a"), driver.drop("b"), .ready])
        #expect(driver.poll(at: 150).filter { !$0.isLeftAlone } == [])
        #expect(driver.poll(at: 5_000).filter { !$0.isLeftAlone } == [])
    }

    @Test("`.ready` comes after the first scan of an empty inbox")
    func emptyInbox() {
        var driver = SettleDriver()
        #expect(driver.poll(at: 0, reason: .startup) == [.listed(reason: .startup, added: 0), .ready])
        #expect(driver.poll(at: 50) == [])
    }

    @Test("a file growing between scans is a drop only once two scans a window apart saw it unchanged")
    func slowWriter() {
        var driver = SettleDriver()
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["a"] = regular(1, size: 10)
        #expect(driver.poll(at: 10) == [.listed(reason: .poll, added: 1)])
        driver.inbox.entries["a"] = regular(1, size: 20, version: 2)
        #expect(driver.poll(at: 60) == [])
        driver.inbox.entries["a"] = regular(1, size: 30, version: 3)
        #expect(driver.poll(at: 110) == [])
        #expect(driver.deadlines == ["a": 210])
        #expect(driver.poll(at: 160) == [])
        #expect(driver.poll(at: 210) == [driver.drop("a")])
        #expect(driver.table.reported["a"] == regular(1, size: 30, version: 3).fingerprint)
        #expect(driver.poll(at: 260) == [])
    }

    @Test("a new modification time alone, or a new inode alone, is a change; a new ctime alone is not")
    func whatCounts() {
        var driver = SettleDriver()
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["a"] = regular(1, version: 1)
        _ = driver.poll(at: 0)
        driver.inbox.entries["a"] = regular(1, version: 2)
        _ = driver.poll(at: 50)
        #expect(driver.deadlines == ["a": 150])
        driver.inbox.entries["a"] = regular(7, version: 2)
        _ = driver.poll(at: 100)
        #expect(driver.deadlines == ["a": 200])
        var status = regular(7, version: 2)
        status.fingerprint.ctimeNanoseconds += 1  // chmod: the ctime moves, nothing else
        driver.inbox.entries["a"] = status
        #expect(driver.poll(at: 200) == [driver.drop("a")])
    }

    @Test("a bundle whose entries change (the folder itself unchanged) waits; then one drop")
    func bundle() {
        var driver = SettleDriver()
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["b"] = directory(2)
        driver.inbox.members["b"] = [Array("movie.mp4".utf8): regular(5, size: 100)]
        #expect(driver.poll(at: 10) == [.listed(reason: .poll, added: 1)])
        driver.inbox.members["b"] = [Array("movie.mp4".utf8): regular(5, size: 200, version: 2)]
        #expect(driver.poll(at: 60) == [])
        #expect(driver.deadlines == ["b": 160])
        driver.inbox.members["b"]?[Array(".agent.json.Q1w2".utf8)] = regular(6)
        #expect(driver.poll(at: 110) == [])
        driver.inbox.members["b"]?[Array(".agent.json.Q1w2".utf8)] = nil
        driver.inbox.members["b"]?[Array("agent.json".utf8)] = regular(6)
        #expect(driver.poll(at: 160) == [])
        #expect(driver.deadlines == ["b": 260])
        #expect(driver.poll(at: 210) == [])
        #expect(driver.poll(at: 260) == [driver.drop("b")])
        // Reported: later scans do not look inside it again, nor report it again.
        driver.inbox.members["b"]?[Array("late.png".utf8)] = regular(8)
        #expect(driver.poll(at: 400) == [])
    }

    @Test("a file gone at a scan is forgotten: back under the same name, it settles from scratch")
    func vanished() {
        var driver = SettleDriver()
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["a"] = regular(1)
        _ = driver.poll(at: 10)
        driver.inbox.entries["a"] = nil
        #expect(driver.poll(at: 60) == [.giveUp(name: "a", .leftInbox)])
        #expect(driver.deadlines.isEmpty)
        driver.inbox.entries["a"] = regular(1)
        #expect(driver.poll(at: 110) == [.listed(reason: .poll, added: 1)])
        #expect(driver.poll(at: 160) == [])
        #expect(driver.poll(at: 210) == [driver.drop("a")])
    }

    @Test("a reported file that leaves is forgotten: back, it is a new drop")
    func reportedLeavesAndComesBack() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.poll(at: 0, reason: .startup)
        #expect(driver.poll(at: 100).first == driver.drop("a"))
        driver.inbox.entries["a"] = nil
        #expect(driver.poll(at: 150) == [])
        #expect(driver.table.reported.isEmpty)
        driver.inbox.entries["a"] = regular(1)
        _ = driver.poll(at: 200)
        #expect(driver.poll(at: 300) == [driver.drop("a")])
    }

    @Test("a rename is seen as the new name only, settling from the scan that first sees it")
    func rename() {
        var driver = SettleDriver()
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["draft.pdf"] = regular(1)
        _ = driver.poll(at: 10)
        driver.inbox.entries["draft.pdf"] = nil
        driver.inbox.entries["final.pdf"] = regular(1)
        #expect(driver.poll(at: 60) == [.giveUp(name: "draft.pdf", .leftInbox), .listed(reason: .poll, added: 1)])
        #expect(driver.poll(at: 110) == [])
        #expect(driver.poll(at: 160) == [driver.drop("final.pdf")])
        // A reported file renamed: the old name is forgotten quietly, the new one is one drop.
        driver.inbox.entries["final.pdf"] = nil
        driver.inbox.entries["sent.pdf"] = regular(1)
        #expect(driver.poll(at: 200) == [.listed(reason: .poll, added: 1)])
        #expect(driver.poll(at: 300) == [driver.drop("sent.pdf")])
        #expect(Array(driver.table.reported.keys) == ["sent.pdf"])
        #expect(driver.poll(at: 400) == [])
    }

    @Test("a reported file rewritten in place is a new version: one more drop, of it")
    func rewritten() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.poll(at: 0, reason: .startup)
        _ = driver.poll(at: 100)
        driver.inbox.entries["a"] = regular(1, size: 99, version: 2)
        #expect(driver.poll(at: 150) == [.listed(reason: .poll, added: 1)])
        #expect(driver.poll(at: 250) == [driver.drop("a")])
    }

    @Test("a file that becomes a directory settles again as a bundle")
    func changesKind() {
        var driver = SettleDriver()
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["x"] = regular(1)
        _ = driver.poll(at: 10)
        driver.inbox.entries["x"] = directory(2)
        _ = driver.poll(at: 60)
        #expect(driver.table.pending["x"]?.kind == .directory)
        #expect(driver.poll(at: 110) == [])
        #expect(driver.poll(at: 160) == [driver.drop("x")])
    }

    @Test("`.ready` does not wait for a file present at start that keeps changing")
    func readyIgnoresChanging() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.poll(at: 0, reason: .startup)
        driver.inbox.entries["a"] = regular(1, size: 20, version: 2)
        #expect(driver.poll(at: 50) == [.ready])
        #expect(driver.poll(at: 150) == [driver.drop("a")])
    }

    @Test("an entry changed between the scan and the report settles again from the next scan")
    func changedAfterScan() {
        var driver = SettleDriver()
        driver.inbox.entries["a"] = regular(1)
        _ = driver.poll(at: 0, reason: .startup)
        _ = driver.send(.polled(names: ["a"], reason: .poll), at: 100)
        driver.inbox.entries["a"] = regular(1, size: 20, version: 2)
        #expect(driver.tick(100) == [.ready])  // changed since the start-up listing: not waited for
        #expect(driver.poll(at: 150) == [])
        #expect(driver.deadlines == ["a": 250])
        #expect(driver.poll(at: 250) == [driver.drop("a")])
    }
}

@Suite("settle table: poll scans without a settle window")
struct SettleTablePollNoWindowTests {
    @Test("with a settle window of zero, a name is still a drop only at the second scan that sees it unchanged")
    func twoScansAtLeast() {
        var table = SettleTable(settle: .zero)
        let entries = ["a": regular(1)]
        let start = ContinuousClock.now
        func scan(_ reason: SettleTable.ScanReason, at milliseconds: Int) -> [SettleTable.Action] {
            let now = start + .milliseconds(milliseconds)
            let stat: SettleTable.Stat = { name, _ in entries[name] }
            return table.handle(.polled(names: ["a"], reason: reason), now: now, stat: stat)
                + table.handle(.deadlinesPassed, now: now, stat: stat)
        }
        #expect(scan(.startup, at: 0) == [.listed(reason: .startup, added: 1)])
        #expect(scan(.poll, at: 1) == [.drop(name: "a", kind: .file, fingerprint: regular(1).fingerprint), .ready])
    }
}

extension SettleTable.Action {
    var isLeftAlone: Bool {
        if case .leaveAlone = self { true } else { false }
    }
}
