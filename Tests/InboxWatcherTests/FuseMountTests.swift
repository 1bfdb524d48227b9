import Foundation
import Glibc
import InboxWatcher
import Testing
import TestSupport

/// bindfs, the FUSE file system the test mounts (Debian: `apt-get install bindfs`).
private let bindfs = "/usr/bin/bindfs"
private let fusermount = ["/usr/bin/fusermount3", "/usr/bin/fusermount", "/bin/fusermount"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

@Suite("watch mode on a real FUSE mount", .timeLimit(.minutes(5)))
struct FuseMountTests {
    @Test(
        "auto judges a FUSE mount shared and polls there: files written behind the mount's back are taken once",
        .enabled(if: FileManager.default.isExecutableFile(atPath: bindfs), "bindfs is not installed"),
        .enabled(if: fusermount != nil, "fusermount is not installed"),
        .enabled(if: access("/dev/fuse", R_OK | W_OK) == 0, "/dev/fuse is not usable here")
    )
    func autoPollsOnFuse() async throws {
        try await withTemporaryDirectory { directory in
            let backing = try directory.subdirectory("backing")
            let mount = try directory.subdirectory("mnt")
            // bindfs forks its daemon and the first process exits once the mount is in place.
            let status = await spawnAndWait(["/bin/sh", "-c", "exec \"$1\" \"$2\" \"$3\" 2>\"$4\"", "sh", bindfs, backing, mount, directory.file("bindfs.err")])
            if status != 0 {
                let said = (try? String(contentsOfFile: directory.file("bindfs.err"), encoding: .utf8)) ?? ""
                try Test.cancel("cannot mount a FUSE file system here (bindfs exited with \(status)): \(said)")
            }
            var failure: (any Error)?
            do {
                let choice = try InboxWatcher.choice(for: mount, mode: .auto)
                #expect(choice.method == .poll)
                #expect(choice.fileSystem.name == "FUSE")
                #expect(choice.reason.contains("FUSE"))

                // The kernel caches a FUSE file's attributes for a second (libfuse's attr_timeout): a window
                // shorter than that could see a file still being written behind the mount's back unchanged.
                let outcome = try await watch(
                    mount, settle: .milliseconds(2500), mode: .auto, pollInterval: .milliseconds(100), expected: 2
                ) { _ in
                    // Another writer, below the FUSE daemon (as another host writes to a share): slowly.
                    try await runScript(
                        "exec 3>\"$1\"; for i in 1 2 3 4; do head -c 500 /dev/zero >&3; sleep 0.3; done",
                        backing + "/behind.pdf")
                    // And a bundle copied in through the mount itself.
                    try await runScript("mkdir \"$1\" && head -c 70 /dev/zero > \"$1/a.png\"", mount + "/deck")
                }
                #expect(
                    Set(outcome.drops) == [
                        ObservedDrop(name: "behind.pdf", kind: .file, content: "size=2000"),
                        ObservedDrop(name: "deck", kind: .directory, content: "a.png:70"),
                    ])
                #expect(outcome.drops.count == 2)
            } catch {
                failure = error
            }
            // Unmounted whatever happened (a busy mount is tried again, then detached lazily).
            var unmounted = await spawnAndWait([fusermount!, "-u", mount])
            for _ in 0..<20 where unmounted != 0 {
                try? await Task.sleep(for: .milliseconds(250))
                unmounted = await spawnAndWait([fusermount!, "-u", mount])
            }
            if unmounted != 0 { _ = await spawnAndWait([fusermount!, "-u", "-z", mount]) }
            #expect(unmounted == 0, "fusermount -u \(mount) exited with \(unmounted)")
            if let failure { throw failure }
        }
    }
}

/// Runs `arguments` (the program's path first) with `posix_spawn` and waits for that process alone on a
/// thread of its own; its exit status (128 + the signal when killed, -1 when it could not be started).
/// Unlike `Process`, it returns when the process exits even if a daemon it forked keeps running.
private func spawnAndWait(_ arguments: [String]) async -> Int32 {
    await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
        let thread = Thread {
            let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, arguments[0], nil, nil, argv, environ) == 0 else {
                continuation.resume(returning: -1)
                return
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signal = status & 0x7F
            continuation.resume(returning: signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
        }
        thread.start()
    }
}
