import Foundation
import InboxWatcher
import Testing
import TestSupport

/// Runs a program and waits for it (without blocking a thread); the test fails if it does not exit 0.
private func run(_ program: String, _ arguments: [String]) async throws {
    let result = try await runProcess(program, arguments)
    #expect(result.status == 0, "\(program) \(arguments) exited with \(result.status): \(result.stderr)")
}

@Suite("real copy tools", .timeLimit(.minutes(10)))
struct RealToolTests {
    @Test(
        "cp, cp -p, install, cp -r and tar -x each make exactly one drop of the complete entry",
        .enabled(if: ["/usr/bin/cp", "/usr/bin/tar", "/usr/bin/install"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) })
    )
    func copyTools() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let source = directory.file("source.pdf")
            try writeFile(source, count: 300_000)
            let tree = try directory.subdirectory("tree")
            for index in 0..<3 { try writeFile(tree + "/page-\(index).png", count: 50_000) }
            let staging = try directory.subdirectory("staging/unpacked")
            try writeFile(staging + "/a.mp3", count: 7000)
            try writeFile(staging + "/prompt.txt", count: 12)
            try await run("/usr/bin/tar", ["-cf", directory.file("bundle.tar"), "-C", directory.file("staging"), "unpacked"])

            let outcome = try await watch(inbox, expected: 5) { _ in
                try await run("/usr/bin/cp", [source, inbox + "/copied.pdf"])
                try await run("/usr/bin/cp", ["-p", source, inbox + "/kept.pdf"])
                try await run("/usr/bin/install", ["-m", "644", source, inbox + "/installed.pdf"])
                try await run("/usr/bin/cp", ["-r", tree, inbox + "/tree"])
                try await run("/usr/bin/tar", ["-xf", directory.file("bundle.tar"), "-C", inbox])
            }
            #expect(
                Set(outcome.drops) == [
                    ObservedDrop(name: "copied.pdf", kind: .file, content: "size=300000"),
                    ObservedDrop(name: "kept.pdf", kind: .file, content: "size=300000"),
                    ObservedDrop(name: "installed.pdf", kind: .file, content: "size=300000"),
                    ObservedDrop(name: "tree", kind: .directory, content: "page-0.png:50000,page-1.png:50000,page-2.png:50000"),
                    ObservedDrop(name: "unpacked", kind: .directory, content: "a.mp3:7000,prompt.txt:12"),
                ])
            #expect(outcome.drops.count == 5)
        }
    }
}
