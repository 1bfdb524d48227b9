import DropDemo
import DropPipeline
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `status --watch`, driven in a real terminal (tmux) and through a pipe.
@Suite("status --watch", .serialized, .timeLimit(.minutes(5)))
struct StatusWatchTests {
    static let tmux = "/usr/bin/tmux"

    /// A daemon with one job waiting for its (slow) video.
    static func jobInFlight(_ h: DaemonHarness) async throws -> DaemonProcess {
        h.simulator.updateFaults { $0.pollsUntilCompleted = 1_000_000 }
        let daemon = try await h.startDaemon()
        try h.drop("slow.pdf.prompt", Data("Take your time.\n".utf8))
        try await Task.sleep(for: .milliseconds(300))
        try h.drop("slow.pdf", SampleMedia.pdf(text: "slow"))
        _ = try await eventually("the job waits for its video") { () -> Bool? in
            let status = try await h.command("status", ["--json"])
            return status.stdout.contains(#""waiting_video":1"#) ? true : nil
        }
        return daemon
    }

    @Test("in tmux: a bar per job in flight, fitted to the width, redrawn; Ctrl-C exits 0 and restores the screen")
    func inTmux() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tmux) else {
            print("skipped: tmux is not installed")
            return
        }
        try await DaemonHarness.with { h in
            let daemon = try await Self.jobInFlight(h)
            let socket = "dropd-watch-\(getpid())"
            let exitFile = h.root.file("watch.exit")
            // The shell outlives the Ctrl-C that ends the watch (a trap with a command, unlike an ignored signal,
            // is not inherited), to record its exit status.
            var script = "#!/bin/sh\ntrap true INT\n"
            for (key, value) in h.daemonEnvironment() where key.hasPrefix("HEYGEN_") {
                script += "export \(key)='\(value)'\n"
            }
            let arguments = h.arguments("status", extra: ["--watch"]).map { "'\($0)'" }.joined(separator: " ")
            script += "'\(BuiltProducts.executable("heygen-dropd"))' \(arguments)\necho \"exited $?\" > '\(exitFile)'\nsleep 60\n"
            let scriptPath = h.root.file("watch.sh")
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
            chmod(scriptPath, 0o755)
            let tmux = { (arguments: [String]) async throws -> String in
                let result = try await runProcess(Self.tmux, ["-L", socket] + arguments)
                guard result.status == 0 else { throw HarnessError("tmux \(arguments.first ?? ""): \(result.stderr)") }
                return result.stdout
            }
            // The server tmux forks would keep the descriptors it inherits, among them the one Foundation's
            // Process watches to see its child end: start it from bash (dash closes descriptors 0 to 9 only), closing every descriptor past 2.
            let start = """
                for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
                exec '\(Self.tmux)' -L '\(socket)' new-session -d -s watch -x 64 -y 20 '\(scriptPath)'
                """
            let started = try await runProcess("/bin/bash", ["-c", start])
            guard started.status == 0 else { throw HarnessError("tmux new-session: \(started.stderr)") }
            // The server and the pane's shell end with the test, whatever signals they were started with.
            let pids = try await tmux(["display-message", "-p", "-t", "watch", "#{pid} #{pane_pid}"])
                .split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
            defer {
                for pid in pids.reversed() { kill(pid, SIGKILL) }
            }
            let first = try await eventually("the watch screen shows the job", timeout: .seconds(30)) { () -> String? in
                let screen = try await tmux(["capture-pane", "-p", "-t", "watch"])
                return screen.contains("slow.pdf") ? screen : nil
            }
            #expect(first.contains("in flight:"))
            #expect(first.contains("waiting for video 1"))
            #expect(first.range(of: #"#[0-9]+ video +\[\.+\]"#, options: .regularExpression) != nil, "\(first)")
            for line in first.split(separator: "\n") { #expect(line.count <= 64, "\(line)") }
            // Redrawn: the header's time moves on.
            let header = first.split(separator: "\n").first.map(String.init) ?? ""
            _ = try await eventually("the screen is redrawn", timeout: .seconds(10)) { () -> Bool? in
                let screen = try await tmux(["capture-pane", "-p", "-t", "watch"])
                return screen.split(separator: "\n").first.map(String.init) != header ? true : nil
            }
            _ = try await tmux(["send-keys", "-t", "watch", "C-c"])
            let exit = try await eventually("the watch exits", timeout: .seconds(10)) { () -> String? in
                try? String(contentsOfFile: exitFile, encoding: .utf8)
            }
            #expect(exit == "exited 0\n")
            let after = try await tmux(["capture-pane", "-p", "-t", "watch"])
            #expect(!after.contains("in flight:"), "the alternate screen was left: \(after)")
            #expect(try await daemon.stop() == 0)
        }
    }

    @Test("through a pipe: plain lines of counts; SIGINT exits 0")
    func plainLines() async throws {
        try await DaemonHarness.with { h in
            let daemon = try await Self.jobInFlight(h)
            let output = h.root.file("watch.out")
            let watcher = try DaemonProcess.start(
                arguments: h.arguments("status", extra: ["--watch"]), environment: h.daemonEnvironment(), log: output)
            let line = try await eventually("a line is written", timeout: .seconds(30)) { () -> String? in
                watcher.logText.split(separator: "\n").first.map(String.init)
            }
            // The prompt waits as a queued sidecar job; the file waits for its video.
            #expect(line.range(of: #"queued [0-9]+, in flight 0, waiting for video 1, succeeded 0, failed 0; daemon running"#, options: .regularExpression) != nil, "\(line)")
            #expect(!line.contains("\u{1B}"))
            watcher.signal(SIGINT)
            #expect(try await watcher.waitForExit(timeout: .seconds(10)) == 0)
            #expect(try await daemon.stop() == 0)
        }
    }
}
