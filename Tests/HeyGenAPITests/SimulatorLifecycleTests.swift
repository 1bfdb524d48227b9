import AsyncHTTPClient
import HeyGenAPI
import HeyGenSimulator
import Logging
import NIOCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Simulator lifecycle", .timeLimit(.minutes(5)))
struct SimulatorLifecycleTests {
    @Test("run reports the real port, serves, and returns when cancelled")
    func runUntilCancelled() async throws {
        let simulator = HeyGenSimulator(logger: quietLogger("simulator-test"))
        #expect(simulator.port == nil)
        let port = try await withThrowingTaskGroup(of: Void.self) { group in
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            group.addTask {
                defer { continuation.finish() }
                try await simulator.run { continuation.yield($0) }
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)
            #expect(simulator.port == port)
            #expect(simulator.baseURL == "http://127.0.0.1:\(port)")
            let reply = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/_admin/stats"), timeout: .seconds(30))
            #expect(reply.status == .ok)
            group.cancelAll()
            try await group.waitForAll()  // run returned without throwing
            return port
        }
        #expect(simulator.port == nil)
        #expect(connectionRefused(port: port))
    }

    @Test("two simulators on port 0 get different ports")
    func twoSimulators() async throws {
        try await withSimulator { first in
            try await withSimulator { second in
                #expect(first.port != second.port)
            }
        }
    }
}

/// True when nothing listens on 127.0.0.1:`port` any more (a TCP connect is refused).
private func connectionRefused(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result != 0 && errno == ECONNREFUSED
}
