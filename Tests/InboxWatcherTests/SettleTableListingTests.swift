import InboxWatcher
import Testing

/// Listings of the inbox (start-up, after lost events) and the inbox's loss.
@Suite("settle table: listings")
struct SettleTableListingTests {
    @Test("the start-up listing settles files and bundles, leaves the rest alone, and `.ready` follows their drops")
    func startup() {
        var driver = SettleDriver()
        driver.inbox.entries = ["a": regular(1), "b": directory(2), "pipe": other(.fifo), ".x.tmp": regular(3)]
        let names = ["a", ".x.tmp", "pipe", "b", "gone"]
        #expect(
            driver.send(.listed(names: names, reason: .startup), at: 0) == [
                .leaveAlone(name: ".x.tmp", .temporaryName), .leaveAlone(name: "pipe", .notRegularOrDirectory(.fifo)),
                .watchBundle(name: "b"), .listed(reason: .startup, added: 2),
            ])
        #expect(driver.table.awaitingInitial == ["a", "b"])
        #expect(driver.tick(50) == [])
        #expect(driver.tick(100) == [driver.drop("a"), driver.drop("b"), .ready])
        #expect(driver.table.awaitingInitial == nil)
        #expect(driver.tick(200) == [])
    }

    @Test("`.ready` comes at once after an empty listing, and only once")
    func readyOnce() {
        var driver = SettleDriver()
        #expect(driver.send(.listed(names: [], reason: .startup), at: 0) == [.listed(reason: .startup, added: 0)])
        #expect(driver.tick(0) == [.ready])
        #expect(driver.tick(1) == [])
    }

    @Test("`.ready` does not wait for a listed name that changed, left or is being written")
    func readyIgnoresChanged() {
        var driver = SettleDriver()
        driver.inbox.entries = ["a": regular(1), "b": regular(2)]
        _ = driver.send(.listed(names: ["a", "b"], reason: .startup), at: 0)
        _ = driver.inbox("a", Mask.modify, at: 10)
        driver.inbox.entries["b"] = nil
        _ = driver.inbox("b", Mask.delete, at: 10)
        #expect(driver.tick(100) == [.ready])
        #expect(driver.deadlines == ["a": nil])
    }

    @Test("a listing after lost events: unchanged reported names stay quiet, changed ones settle again, gone ones are dropped, writers are no longer waited for")
    func afterOverflow() {
        var driver = SettleDriver()
        driver.inbox.entries = ["same": regular(1), "changed": regular(2), "gone": regular(3), "held": regular(4)]
        _ = driver.send(.listed(names: ["same", "changed"], reason: .startup), at: 0)
        #expect(driver.tick(100).filter(\.isDrop) == [driver.drop("same"), driver.drop("changed")])
        _ = driver.inbox("gone", Mask.closeWrite, at: 200)
        _ = driver.inbox("held", Mask.modify, at: 200)
        driver.inbox.entries["gone"] = nil
        driver.inbox.entries["changed"] = regular(2, size: 11, version: 2)
        #expect(
            driver.send(.listed(names: ["same", "changed", "held"], reason: .overflow), at: 250)
                == [.listed(reason: .overflow, added: 1)])
        #expect(driver.deadlines == ["changed": 350, "held": 350])
        // Equal deadlines: "held" started settling before "changed" settled again.
        #expect(driver.tick(350) == [driver.drop("held"), driver.drop("changed")])
    }

    @Test("the inbox lost: every bundle watch goes and nothing is remembered; its return reports everything again")
    func inboxLost() {
        var driver = SettleDriver()
        driver.inbox.entries = ["a": regular(1), "b": directory(2), "c": regular(3)]
        _ = driver.send(.listed(names: ["a"], reason: .startup), at: 0)
        _ = driver.tick(100)
        _ = driver.inbox("b", Mask.create | Mask.directory, at: 150)
        _ = driver.send(.bundleWatched(name: "b", watch: 7), at: 150)
        _ = driver.inbox("c", Mask.closeWrite, at: 150)
        #expect(driver.send(.inboxLost, at: 200) == [.removeWatch(7)])
        #expect(driver.table.pending.isEmpty && driver.table.reported.isEmpty && driver.table.bundleWatches.isEmpty)
        #expect(driver.send(.listed(names: ["a", "b", "c"], reason: .reestablished), at: 300).last == .listed(reason: .reestablished, added: 3))
        #expect(driver.tick(400) == [driver.drop("a"), driver.drop("b"), driver.drop("c")])
    }
}
