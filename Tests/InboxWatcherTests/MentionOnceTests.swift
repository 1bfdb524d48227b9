import Foundation
import Glibc
import InboxWatcher
import Logging
import Synchronization
import Testing
import TestSupport

/// Drops collected by a watcher callback.
private final class DropList: Sendable {
    let items = Mutex<[InboxDrop]>([])
}

@Suite("log once per name, bounded", .serialized)
struct MentionOnceTests {
    @Test("a name left alone is logged once however often it is renamed away and back or rescanned",
          .timeLimit(.minutes(1)), arguments: [WatchMode.inotify, .poll])
    func renamesAndRescans(mode: WatchMode) async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let captured = CapturedLog()
            let watcher = InboxWatcher(
                directory: inbox, settle: .milliseconds(100), mode: mode, pollInterval: .milliseconds(20),
                logger: captured.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let ready = ReadyFlag()
                group.addTask {
                    try await watcher.run(onReady: { ready.value.store(true, ordering: .relaxed) }, onDrop: { _ in })
                }
                while !ready.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
                try writeFile(inbox + "/.hidden.pdf")
                #expect(mkfifo(inbox + "/pipe", 0o644) == 0)
                for _ in 0..<20 {
                    try move(inbox + "/.hidden.pdf", inbox + "/.hidden-away.pdf")
                    try move(inbox + "/.hidden-away.pdf", inbox + "/.hidden.pdf")
                    try move(inbox + "/pipe", directory.path + "/pipe")
                    try move(directory.path + "/pipe", inbox + "/pipe")
                    watcher.rescanAsAfterOverflow()
                }
                try await Task.sleep(for: .milliseconds(500))
                group.cancelAll()
                try await group.waitForAll()
            }
            #expect(captured.count(containing: "ignoring .hidden.pdf:") == 1)
            // Polling sees only what is there at a scan: the name away between two scans may never be seen.
            let away = captured.count(containing: "ignoring .hidden-away.pdf:")
            #expect(mode == .inotify ? away == 1 : away <= 1)
            #expect(captured.count(containing: "ignoring pipe:") == 1)
        }
    }

    @Test("a name that is not valid UTF-8 is a drop, named by its rendering, with its raw bytes",
          .timeLimit(.minutes(1)), arguments: [WatchMode.inotify, .poll])
    func nonUTF8Name(mode: WatchMode) async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let raw: [UInt8] = Array("caf".utf8) + [0xE9] + Array("\\.png".utf8)
            let drops = DropList()
            let watcher = InboxWatcher(
                directory: inbox, settle: .milliseconds(100), mode: mode, pollInterval: .milliseconds(20),
                logger: testLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let ready = ReadyFlag()
                group.addTask {
                    try await watcher.run(
                        onReady: { ready.value.store(true, ordering: .relaxed) },
                        onDrop: { drop in drops.items.withLock { $0.append(drop) } })
                }
                while !ready.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
                let path = (Array(inbox.utf8) + [UInt8(ascii: "/")] + raw + [0]).map { CChar(bitPattern: $0) }
                let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                try #require(fd >= 0)
                #expect(write(fd, "data", 4) == 4)
                close(fd)
                let deadline = ContinuousClock.now + .seconds(10)
                while drops.items.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
                try await group.waitForAll()
            }
            let seen = drops.items.withLock { $0 }
            #expect(seen.count == 1)
            #expect(seen.first?.name == "caf\\xE9\\x5C.png")
            #expect(seen.first?.rawName == raw)
            #expect(seen.first?.kind == .file)
        }
    }
}

@Suite("name rendering")
struct NameRenderingTests {
    @Test("invalid bytes and backslashes are escaped; the rendering gives the bytes back")
    func roundTrip() {
        let samples: [[UInt8]] = [
            Array("plain.pdf".utf8), Array("café.png".utf8), [0xFF, 0xFE], Array("a".utf8) + [0xC3] + Array("b".utf8),
            Array("x\\xFF".utf8), [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], Array("日本".utf8) + [0x80],
        ]
        for raw in samples {
            let rendering = NameRendering.render(raw)
            #expect(NameRendering.bytes(of: rendering) == raw, "\(rendering)")
        }
        #expect(NameRendering.render([0x61, 0xFF, 0x62]) == "a\\xFFb")
        #expect(NameRendering.render(Array("café".utf8)) == "café")
        #expect(NameRendering.render(Array("x\\xFF".utf8)) == "x\\x5CxFF")
    }
}
