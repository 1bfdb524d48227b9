import Foundation
import Glibc
import InboxWatcher
import Testing
import TestSupport

/// Runs a shell script in a second process (arguments `$1`…), which must exit 0.
func runScript(_ script: String, _ arguments: String...) async throws {
    let result = try await runProcess("/bin/sh", ["-c", script, "sh"] + arguments)
    #expect(result.status == 0, "the script exited with \(result.status): \(result.stderr)")
}

@Suite("polling watcher on a local folder", .timeLimit(.minutes(5)))
struct PollWatcherTests {
    @Test("a file written slowly by a second process: one drop, after it stopped changing, of the whole file")
    func slowWriterProcess() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(
                inbox, settle: .seconds(1), mode: .poll, pollInterval: .milliseconds(100), expected: 1
            ) { _ in
                // One open file, written a kilobyte at a time with pauses shorter than the settle window.
                try await runScript(
                    "exec 3>\"$1\"; for i in 1 2 3 4 5 6; do head -c 1000 /dev/zero >&3; sleep 0.3; done",
                    inbox + "/scan.pdf")
            }
            #expect(outcome.drops == [ObservedDrop(name: "scan.pdf", kind: .file, content: "size=6000")])
        }
    }

    @Test("a bundle filled in place by a second process, a member written slowly and one renamed in: one drop")
    func bundleProcess() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(
                inbox, settle: .seconds(1), mode: .poll, pollInterval: .milliseconds(100), expected: 1
            ) { _ in
                try await runScript(
                    """
                    set -e
                    mkdir "$1"
                    for i in 0 1 2; do head -c 100 /dev/zero > "$1/part-$i.png"; sleep 0.2; done
                    exec 3>"$1/video.mp4"
                    for i in 1 2 3; do head -c 1000 /dev/zero >&3; sleep 0.4; done
                    exec 3>&-
                    head -c 30 /dev/zero > "$1/.agent.json.Q1w2E3"
                    sleep 0.3
                    mv "$1/.agent.json.Q1w2E3" "$1/agent.json"
                    """, inbox + "/campaign")
            }
            #expect(
                outcome.drops == [
                    ObservedDrop(
                        name: "campaign", kind: .directory,
                        content: "agent.json:30,part-0.png:100,part-1.png:100,part-2.png:100,video.mp4:3000")
                ])
        }
    }

    @Test("a file that vanishes between scans is forgotten; the next one is reported")
    func vanished() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(
                // A window long enough that a loaded machine's late wake-up still falls inside it.
                inbox, settle: .seconds(3), mode: .poll, pollInterval: .milliseconds(50), expected: 1
            ) { _ in
                try writeFile(inbox + "/oops.pdf", count: 10)
                try await Task.sleep(for: .milliseconds(400))  // several scans see it, none a window apart
                #expect(unlink(inbox + "/oops.pdf") == 0)
                try await Task.sleep(for: .milliseconds(3500))  // longer than the window: it must not come back
                try writeFile(inbox + "/after.pdf", count: 2)
            }
            #expect(outcome.drops == [ObservedDrop(name: "after.pdf", kind: .file, content: "size=2")])
        }
    }

    @Test("a file renamed while settling is one drop, under its new name")
    func renamed() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(
                // A window long enough that a loaded machine's late wake-up still falls inside it.
                inbox, settle: .seconds(3), mode: .poll, pollInterval: .milliseconds(50), expected: 1
            ) { _ in
                try writeFile(inbox + "/draft.pdf", count: 42)
                try await Task.sleep(for: .milliseconds(400))
                try move(inbox + "/draft.pdf", inbox + "/final.pdf")
            }
            #expect(outcome.drops == [ObservedDrop(name: "final.pdf", kind: .file, content: "size=42")])
        }
    }

    @Test("entries present at start are taken before onReady; names and kinds to leave alone are left alone")
    func presentAtStart() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            try writeFile(inbox + "/early.pdf", count: 5)
            let bundle = try directory.subdirectory("inbox/deck")
            try writeFile(bundle + "/slide.png", count: 7)
            try writeFile(inbox + "/.hidden.pdf")
            try writeFile(inbox + "/upload.pdf.part")
            try writeFile(inbox + "/notes~")
            #expect(mkfifo(inbox + "/pipe", 0o644) == 0)
            #expect(symlink(inbox + "/early.pdf", inbox + "/link.pdf") == 0)
            let outcome = try await watch(
                inbox, settle: .milliseconds(300), mode: .poll, pollInterval: .milliseconds(50), expected: 2)
            #expect(outcome.dropsBeforeReady == 2)
            #expect(
                Set(outcome.drops) == [
                    ObservedDrop(name: "early.pdf", kind: .file, content: "size=5"),
                    ObservedDrop(name: "deck", kind: .directory, content: "slide.png:7"),
                ])
            #expect(outcome.drops.count == 2)
        }
    }

    @Test("a file reported, then rewritten under the same name, is reported once more; unchanged, never again")
    func rewrittenOnce() async throws {
        try await withTemporaryDirectory { directory in
            let inbox = try directory.subdirectory("inbox")
            let outcome = try await watch(
                inbox, settle: .milliseconds(300), mode: .poll, pollInterval: .milliseconds(50), expected: 2,
                quiet: .seconds(1)
            ) { _ in
                try writeFile(inbox + "/report.pdf", count: 10)
                try await Task.sleep(for: .seconds(1))
                try writeFile(inbox + "/report.pdf", count: 20)
            }
            #expect(
                outcome.drops == [
                    ObservedDrop(name: "report.pdf", kind: .file, content: "size=10"),
                    ObservedDrop(name: "report.pdf", kind: .file, content: "size=20"),
                ])
        }
    }
}
