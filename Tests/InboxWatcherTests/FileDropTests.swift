import Foundation
import Glibc
import InboxWatcher
import Testing
import TestSupport

@Suite("file drops", .timeLimit(.minutes(5)))
struct FileDropTests {
    @Test("a slow writer in place: one drop, after the close, of the whole file")
    func slowWriter() async throws {
        try await withTemporaryDirectory { directory in
            let settle = Duration.milliseconds(200)
            let outcome = try await watch(directory.path, settle: settle, expected: 1) { _ in
                let file = try OpenFile(directory.file("scan.pdf"))
                for _ in 0..<4 {
                    try file.write(1000)
                    try await Task.sleep(for: settle * 2)
                }
                file.close()
            }
            #expect(outcome.drops == [ObservedDrop(name: "scan.pdf", kind: .file, content: "size=4000")])
        }
    }

    @Test("a writer that closes and reopens to append within the settle window: one drop of the whole file")
    func closeAndAppend() async throws {
        try await withTemporaryDirectory { directory in
            let settle = Duration.seconds(1)
            let outcome = try await watch(directory.path, settle: settle, expected: 1) { _ in
                try await onOwnThread {
                    let path = directory.file("log.pdf")
                    try writeFile(path, count: 100)
                    for _ in 0..<3 {
                        let file = try OpenFile(path, append: true)
                        try file.write(100)
                        file.close()
                        pause(.milliseconds(50))
                    }
                    // Reopened once more, then paused for longer than the settle window before the close.
                    let file = try OpenFile(path, append: true)
                    try file.write(100)
                    pause(settle * 1.5)
                    try file.write(100)
                    file.close()
                }
            }
            #expect(outcome.drops == [ObservedDrop(name: "log.pdf", kind: .file, content: "size=600")])
        }
    }

    @Test("rsync style: a dot-temp written, then renamed: one drop under the final name")
    func rsyncStyle() async throws {
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, expected: 1) { _ in
                let temp = directory.file(".talk.mp4.Xk3Pq9")
                let file = try OpenFile(temp)
                for _ in 0..<3 {
                    try file.write(500)
                    try await Task.sleep(for: .milliseconds(300))
                }
                file.close()
                try move(temp, directory.file("talk.mp4"))
            }
            #expect(outcome.drops == [ObservedDrop(name: "talk.mp4", kind: .file, content: "size=1500")])
        }
    }

    @Test("an editor's save (backup by rename, then a new file): one drop of the new content")
    func editorSave() async throws {
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, settle: .seconds(1), expected: 1) { _ in
                let path = directory.file("draft.pdf")
                try writeFile(path, count: 10)
                try move(path, directory.file("draft.pdf~"))
                try writeFile(directory.file(".goutputstream-7QZ1"), count: 20)
                try move(directory.file(".goutputstream-7QZ1"), path)
            }
            #expect(outcome.drops == [ObservedDrop(name: "draft.pdf", kind: .file, content: "size=20")])
        }
    }

    @Test("mv from another directory: one drop")
    func movedIn() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let elsewhere = try directory.subdirectory("elsewhere")
            let outcome = try await watch(inbox, expected: 1) { _ in
                try writeFile(elsewhere + "/photo.png", count: 2048)
                try move(elsewhere + "/photo.png", inbox + "/photo.png")
            }
            #expect(outcome.drops == [ObservedDrop(name: "photo.png", kind: .file, content: "size=2048")])
        }
    }

    @Test("entries present before start are reported once each, before onReady")
    func presentAtStart() async throws {
        try await withTemporaryDirectory { directory in
            try writeFile(directory.file("one.pdf"), count: 1)
            try writeFile(directory.file("two.png"), count: 2)
            let bundle = try directory.subdirectory("launch")
            try writeFile(bundle + "/slide.png", count: 3)
            let outcome = try await watch(directory.path, expected: 3)
            #expect(outcome.dropsBeforeReady == 3)
            #expect(
                Set(outcome.drops) == [
                    ObservedDrop(name: "one.pdf", kind: .file, content: "size=1"),
                    ObservedDrop(name: "two.png", kind: .file, content: "size=2"),
                    ObservedDrop(name: "launch", kind: .directory, content: "slide.png:3"),
                ])
            #expect(outcome.drops.count == 3)
        }
    }

    @Test("an empty inbox is ready at once and reports nothing")
    func emptyInbox() async throws {
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, expected: 0, quiet: .milliseconds(300))
            #expect(outcome.drops.isEmpty)
        }
    }

    @Test("a file deleted or moved out before it settled is not reported")
    func removedBeforeSettling() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(inbox, settle: .seconds(1), expected: 1) { _ in
                try writeFile(inbox + "/gone.pdf")
                unlink(inbox + "/gone.pdf")
                try writeFile(inbox + "/away.pdf")
                try move(inbox + "/away.pdf", directory.file("away.pdf"))
                try writeFile(inbox + "/keep.pdf", count: 5)
            }
            #expect(outcome.drops == [ObservedDrop(name: "keep.pdf", kind: .file, content: "size=5")])
        }
    }

    @Test("names with spaces, quotes, unicode, newlines and leading dashes")
    func unusualNames() async throws {
        let names = [
            "a b.pdf", "it's \"quoted\".png", "résumé 日本.mp4", "-rf", "--help.pdf", "emoji 🎬.webm", "line\nbreak.wav",
            "back\\slash.mp3", "$(touch x).jpg",
        ]
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, expected: names.count) { _ in
                for name in names { try writeFile(directory.file(name), count: 7) }
            }
            #expect(outcome.names.sorted() == names.sorted())
            #expect(outcome.drops.allSatisfy { $0.kind == .file && $0.content == "size=7" })
        }
    }

    @Test("sidecars are reported as ordinary files")
    func sidecars() async throws {
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, expected: 3) { _ in
                try writeFile(directory.file("report.pdf"))
                try writeFile(directory.file("report.pdf.prompt"))
                try writeFile(directory.file("clip.mp4.agent.json"))
            }
            #expect(outcome.names.sorted() == ["clip.mp4.agent.json", "report.pdf", "report.pdf.prompt"])
            #expect(outcome.drops.allSatisfy { $0.kind == .file })
        }
    }

    @Test("a burst of 500 files: 500 drops, each once")
    func burst() async throws {
        try await withTemporaryDirectory { directory in
            let names = (0..<500).map { String(format: "burst-%03d.png", $0) }
            let outcome = try await watch(directory.path, expected: names.count) { _ in
                for name in names { try writeFile(directory.file(name), count: 64) }
            }
            #expect(outcome.drops.count == 500)
            #expect(outcome.names.sorted() == names)
            #expect(outcome.drops.allSatisfy { $0.content == "size=64" })
        }
    }

    @Test("a file created empty, written only after a pause longer than the settle window: one drop, complete")
    func lateFirstWrite() async throws {
        try await withTemporaryDirectory { directory in
            let settle = Duration.milliseconds(300)
            let outcome = try await watch(directory.path, settle: settle, expected: 1) { _ in
                let file = try OpenFile(directory.file("download.mp4"))
                try await Task.sleep(for: settle * 2.5)
                try file.write(4096)
                file.close()
            }
            #expect(outcome.drops == [ObservedDrop(name: "download.mp4", kind: .file, content: "size=4096")])
        }
    }

    @Test("a file written anonymously (O_TMPFILE) and then linked in is a drop")
    func anonymousThenLinked() async throws {
        try await withTemporaryDirectory { directory in
            let outcome = try await watch(directory.path, expected: 1) { _ in
                let oTmpfile: Int32 = 0o20_000_000 | O_DIRECTORY  // O_TMPFILE (a macro Swift does not import)
                let fd = open(directory.path, oTmpfile | O_WRONLY | O_CLOEXEC, 0o644)
                try #require(fd >= 0, "O_TMPFILE not supported here")
                defer { close(fd) }
                let bytes = [UInt8](repeating: 0x42, count: 321)
                #expect(write(fd, bytes, bytes.count) == bytes.count)
                #expect(linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, directory.file("linked.png"), AT_SYMLINK_FOLLOW) == 0)
            }
            #expect(outcome.drops == [ObservedDrop(name: "linked.png", kind: .file, content: "size=321")])
        }
    }

    @Test("a hard link made into the inbox is a drop")
    func hardLink() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            try writeFile(directory.file("original.pdf"), count: 9)
            let outcome = try await watch(inbox, expected: 1) { _ in
                #expect(link(directory.file("original.pdf"), inbox + "/linked.pdf") == 0)
            }
            #expect(outcome.drops == [ObservedDrop(name: "linked.pdf", kind: .file, content: "size=9")])
        }
    }
}
