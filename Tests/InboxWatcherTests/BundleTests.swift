import Glibc
import InboxWatcher
import Testing
import TestSupport

@Suite("bundle drops", .timeLimit(.minutes(5)))
struct BundleTests {
    @Test("a directory moved in is one drop, of the whole directory")
    func movedIn() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let staging = try directory.subdirectory("launch")
            try writeFile(staging + "/slide.png", count: 10)
            try writeFile(staging + "/prompt.txt", count: 20)
            let outcome = try await watch(inbox, expected: 1) { _ in
                try move(staging, inbox + "/launch")
            }
            #expect(outcome.drops == [ObservedDrop(name: "launch", kind: .directory, content: "prompt.txt:20,slide.png:10")])
        }
    }

    @Test("a directory filled in place over time is one drop once it settled, with every file complete")
    func createdInPlace() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let settle = Duration.seconds(1)
            let outcome = try await watch(inbox, settle: settle, expected: 1) { _ in
                try await onOwnThread {
                    let bundle = inbox + "/campaign"
                    #expect(mkdir(bundle, 0o755) == 0)
                    for index in 0..<4 {
                        pause(.milliseconds(100))
                        try writeFile(bundle + "/part-\(index).png", count: 100)
                    }
                    // A slow copy: paused for longer than the settle window while still open.
                    let slow = try OpenFile(bundle + "/video.mp4")
                    for _ in 0..<2 {
                        try slow.write(1000)
                        pause(settle * 1.5)
                    }
                    try slow.write(1000)
                    slow.close()
                    // rsync into the bundle: a dot-temp, then a rename.
                    try writeFile(bundle + "/.agent.json.Q1w2E3", count: 30)
                    try move(bundle + "/.agent.json.Q1w2E3", bundle + "/agent.json")
                    // A subfolder is a change too, but not watched itself.
                    #expect(mkdir(bundle + "/extra", 0o755) == 0)
                    try writeFile(bundle + "/extra/deep.png", count: 5)
                }
            }
            #expect(
                outcome.drops == [
                    ObservedDrop(
                        name: "campaign", kind: .directory,
                        content: "agent.json:30,extra:\(fileSize(inbox + "/campaign/extra") ?? -1),part-0.png:100,part-1.png:100,part-2.png:100,part-3.png:100,video.mp4:3000"
                    )
                ])
        }
    }

    @Test("a bundle still being filled at start-up: onReady does not wait for it; one drop once complete")
    func fillingAtStartup() async throws {
        try await withTemporaryDirectory { directory in
            let bundle = try directory.subdirectory("big")
            let file = try OpenFile(bundle + "/movie.mp4")
            try file.write(100)
            async let writing: Void = onOwnThread {
                for _ in 0..<20 {
                    pause(.milliseconds(100))
                    try file.write(100)
                }
                file.close()
            }
            let outcome = try await watch(directory.path, settle: .seconds(1), expected: 1)
            try await writing
            #expect(outcome.dropsBeforeReady == 0)
            #expect(outcome.drops == [ObservedDrop(name: "big", kind: .directory, content: "movie.mp4:2100")])
        }
    }

    @Test("a directory created in place and removed before it settled is not reported")
    func removedBeforeSettling() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(inbox, settle: .seconds(1), expected: 1) { _ in
                #expect(mkdir(inbox + "/oops", 0o755) == 0)
                try writeFile(inbox + "/oops/a.png")
                unlink(inbox + "/oops/a.png")
                #expect(rmdir(inbox + "/oops") == 0)
                try writeFile(inbox + "/after.pdf", count: 2)
            }
            #expect(outcome.names == ["after.pdf"])
        }
    }
}
