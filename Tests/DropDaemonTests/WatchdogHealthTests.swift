import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// A monotonic reading the test moves by hand.
final class FakeNanoseconds: Sendable {
    private let value: Atomic<Int64>
    init(_ start: Int64) { value = Atomic(start) }
    func load(ordering: AtomicLoadOrdering) -> Int64 { value.load(ordering: .sequentiallyConsistent) }
    func store(_ new: Int64, ordering: AtomicStoreOrdering) { value.store(new, ordering: .sequentiallyConsistent) }
    func add(_ delta: Int64, ordering: AtomicUpdateOrdering) { value.add(delta, ordering: .sequentiallyConsistent) }
}

@Suite("watchdog fed only while the work moves")
struct WatchdogHealthTests {
    @Test("the heartbeat is live when idle, while waiting on the API, or after a recent step; not when a job is stuck")
    func heartbeatRules() async throws {
        let now = FakeNanoseconds(0)
        let heartbeat = Heartbeat(clock: { now.load(ordering: .relaxed) })
        let window = Duration.seconds(60)
        now.store(3_600_000_000_000, ordering: .relaxed)
        #expect(heartbeat.isLive(within: window), "idle: no job in hand")
        await heartbeat.holdingJob {
            #expect(heartbeat.isLive(within: window), "just taken")
            now.add(61_000_000_000, ordering: .relaxed)
            #expect(!heartbeat.isLive(within: window), "a job in hand and no step for longer than the window")
            heartbeat.beat()
            #expect(heartbeat.isLive(within: window))
            now.add(61_000_000_000, ordering: .relaxed)
            let live = await heartbeat.remoteCall { () async throws(Never) -> Bool in
                now.add(600_000_000_000, ordering: .relaxed)
                return heartbeat.isLive(within: window)
            }
            #expect(live, "an API call in flight is bounded by its own timeouts")
            #expect(heartbeat.isLive(within: window), "the call's end is a step")
            now.add(61_000_000_000, ordering: .relaxed)
            #expect(!heartbeat.isLive(within: window))
        }
        #expect(heartbeat.isLive(within: window), "idle again")
    }

    @Test("one stuck job is enough to stop the pings, however busy the others are")
    func oneStuckJob() async throws {
        let now = FakeNanoseconds(1_000_000_000_000)
        let heartbeat = Heartbeat(clock: { now.load(ordering: .relaxed) })
        let window = Duration.seconds(10)
        await heartbeat.holdingJob {
            // This job's task never steps again.
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await heartbeat.holdingJob {
                        for _ in 0..<5 {
                            now.add(4_000_000_000, ordering: .relaxed)
                            heartbeat.beat()  // the other job steps every 4 s
                        }
                    }
                }
                await group.waitForAll()
            }
            #expect(!heartbeat.isLive(within: window))
            heartbeat.beat()
            #expect(heartbeat.isLive(within: window))
        }
        // Beats outside any job change nothing.
        heartbeat.beat()
        #expect(heartbeat.isLive(within: window))
    }

    @Test("WATCHDOG=1 is sent only while the service's health check passes", .timeLimit(.minutes(1)))
    func pingsOnlyWhenHealthy() async throws {
        let directory = try TemporaryDirectory(prefix: "heygen-dropd-notify")
        defer { directory.remove() }
        let socket = try NotifySocket(directory.file("notify"))
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.environmentValue]))
        let healthy = Atomic<Bool>(false)
        let logger = quietLogger("test")
        let service = WatchdogService(
            notifier: notifier, interval: .milliseconds(10), logger: logger,
            isHealthy: { healthy.load(ordering: .relaxed) })
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await service.run() }
            try await Task.sleep(for: .milliseconds(300))
            #expect(socket.receiveNow() == nil, "no WATCHDOG=1 while stuck")
            healthy.store(true, ordering: .relaxed)
            #expect(try await socket.receive() == "WATCHDOG=1")
            healthy.store(false, ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(100))
            while socket.receiveNow() != nil {}  // pings sent before the change
            try await Task.sleep(for: .milliseconds(300))
            #expect(socket.receiveNow() == nil, "stuck again: no more WATCHDOG=1")
            tasks.cancelAll()
            try await tasks.waitForAll()
        }
    }
}

@Suite("lease guard")
struct LeaseGuardTests {
    @Test("held for three quarters of a lease after the claim or the last renewal; never once known lost")
    func heldWindow() {
        let now = Atomic<Int64>(1_000_000_000)
        let guardian = LeaseGuard(lease: .seconds(4), clock: { now.load(ordering: .relaxed) })
        #expect(guardian.isHeld)
        now.add(2_900_000_000, ordering: .relaxed)
        #expect(guardian.isHeld)
        let attempt = guardian.reading()
        now.add(200_000_000, ordering: .relaxed)
        #expect(!guardian.isHeld, "3.1 s of a 4 s lease without a renewal")
        guardian.renewed(at: attempt)
        #expect(guardian.isHeld, "renewed at 2.9 s")
        now.add(2_900_000_000, ordering: .relaxed)
        #expect(!guardian.isHeld)
        guardian.renewed(at: guardian.reading())
        #expect(guardian.isHeld)
        guardian.markLost()
        #expect(!guardian.isHeld)
    }
}
