import Synchronization
import TestSupport
import Testing

@testable import DropPipeline

@Suite("request slots", .timeLimit(.minutes(2)))
struct RequestSlotsTests {
    @Test("with every slot taken, waiters get a freed slot one at a time, in the order they came")
    func firstComeFirstServed() async throws {
        let slots = RequestSlots(count: 2)
        try await slots.take()
        try await slots.take()
        #expect(slots.inUse == 2)
        let order = Box<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<3 {
                group.addTask {
                    try await slots.take()
                    order.withLock { $0.append(index) }
                }
                // The next waiter comes only once this one waits.
                try await eventually("waiter \(index) waits") { slots.waitingCount == index + 1 ? true : nil }
            }
            for turn in 1...3 {
                slots.giveBack()
                try await eventually("waiter \(turn - 1) has its slot") { order.withLock { $0.count } == turn ? true : nil }
                // A freed slot goes to one waiter only: the slots stay all taken.
                #expect(slots.inUse == 2)
                #expect(slots.waitingCount == 3 - turn)
            }
            try await group.waitForAll()
        }
        #expect(order.withLock { $0 } == [0, 1, 2])
        // The last two waiters still hold theirs.
        slots.giveBack()
        slots.giveBack()
        #expect(slots.inUse == 0)
    }

    @Test("a waiter cancelled while it waits throws CancellationError and takes no slot")
    func cancelledWaiter() async throws {
        let slots = RequestSlots(count: 1)
        try await slots.take()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await slots.take() }
            try await eventually("the waiter waits") { slots.waitingCount == 1 ? true : nil }
            group.cancelAll()
            await #expect(throws: CancellationError.self) { try await group.next() }
        }
        #expect(slots.waitingCount == 0)
        slots.giveBack()
        #expect(slots.inUse == 0)
        try await slots.take()
        #expect(slots.inUse == 1)
    }

    @Test("no more than the slots' count hold one at once, however many tasks ask")
    func neverMoreThanCount() async throws {
        let slots = RequestSlots(count: 3)
        let counts = Box<(holding: Int, most: Int)>((0, 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await slots.take()
                    counts.withLock { $0.holding += 1; $0.most = max($0.most, $0.holding) }
                    await Task.yield()
                    counts.withLock { $0.holding -= 1 }
                    slots.giveBack()
                }
            }
            try await group.waitForAll()
        }
        #expect(counts.withLock { $0.most } <= 3)
        #expect(counts.withLock { $0.most } >= 1)
        #expect(slots.inUse == 0)
    }
}

/// A value shared by a test's tasks.
private final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}
