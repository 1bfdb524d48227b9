import Testing

@testable import InboxWatcher

@Suite("bounded name set")
struct BoundedNameSetTests {
    @Test("remembers up to its capacity, forgetting the oldest first")
    func capacity() {
        var set = BoundedNameSet(capacity: 3)
        let added = [set.insert([1]), set.insert([2]), set.insert([3]), set.insert([2])]
        #expect(added == [true, true, true, false])
        #expect(set.count == 3)
        let fourth = set.insert([4])  // forgets [1]
        #expect(fourth)
        #expect(set.count == 3 && !set.contains([1]) && set.contains([2]) && set.contains([4]))
        let again = set.insert([1])  // forgets [2]
        #expect(again)
        #expect(!set.contains([2]) && set.contains([3]))
        for value in 10..<1000 { _ = set.insert([UInt8(value % 256), UInt8(value / 256)]) }
        #expect(set.count == 3)
    }
}
