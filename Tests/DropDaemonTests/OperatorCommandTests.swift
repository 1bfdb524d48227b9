import DropDemo
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenAPI
import HeyGenSimulator
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `status`, `jobs` and `retry`, run as the real binary against the database of a real daemon.
@Suite("Operator commands", .serialized, .timeLimit(.minutes(10)))
struct OperatorCommandTests {
    @Test("status and jobs read the queue of a running daemon, in text and JSON")
    func statusAndJobsWhileRunning() async throws {
        var faults = SimulatorFaults()
        faults.pollsUntilCompleted = 1_000_000  // the video never finishes: its job stays waiting
        try await DaemonHarness.with(faults: faults) { h in
            let daemon = try await h.startDaemon()
            try h.drop("a.png", SampleMedia.bytes(.png, seed: 1))
            try h.drop("b.pdf", SampleMedia.pdf(text: "b"))
            try h.drop("c.txt", Data("not media".utf8))
            _ = try await h.waitForResults(["a.png", "b.pdf", "c.txt"])
            // A sidecar alone waits (queued) for its file; a PDF with a prompt waits for its video.
            try h.drop("lonely.png.prompt", Data("Its file never comes.".utf8))
            try await Task.sleep(for: .milliseconds(400))
            try h.drop("movie.pdf.prompt", Data("Make a video.".utf8))
            try h.drop("movie.pdf", SampleMedia.pdf(text: "movie"))

            let status = try await eventually("one job waiting for its video, two sidecars queued") {
                let json = try await h.json("status", ["--json"])
                let counts = json["counts"]
                return counts?["waiting_video"]?.number == 1 && counts?["queued"]?.number == 2 ? json : nil
            }
            #expect(status["daemon_running"] == .bool(true))
            #expect(status["daemon_pid"]?.number == Double(daemon.pid))
            #expect(status["database"]?.string == "\(h.state)/queue.sqlite3")
            #expect(status["counts"]?["succeeded"]?.number == 2)
            #expect(status["counts"]?["failed"]?.number == 1)
            #expect(status["counts"]?["in_flight"]?.number == 0)
            #expect(status["oldest_waiting"]?["name"]?.string == "lonely.png.prompt")
            #expect(status["oldest_waiting"]?["age_seconds"]?.number != nil)
            let errors = try #require(status["last_errors"]?.array)
            #expect(errors.count == 1)
            #expect(errors.first?["name"]?.string == "c.txt")
            #expect(errors.first?["code"]?.string == "unsupported_type")
            #expect(errors.first?["finished_at"]?.string != nil)

            let text = try await eventually("the text status shows the same counts") {
                let text = try await h.succeeding("status")
                return text.contains("queued 2, in flight 0, waiting for video 1, succeeded 2, failed 1") ? text : nil
            }
            #expect(text.contains("running (pid \(daemon.pid))"))
            #expect(text.contains("oldest waiting:  job "))
            #expect(text.contains("lonely.png.prompt"))
            #expect(text.contains("c.txt: unsupported_type:"))

            let all = try #require(try await h.json("jobs", ["--json"])["jobs"]?.array)
            #expect(
                Set(all.compactMap { $0["name"]?.string })
                    == ["a.png", "b.pdf", "c.txt", "lonely.png.prompt", "movie.pdf.prompt", "movie.pdf"])
            let ids = all.compactMap { $0["job_id"]?.string.flatMap { Int($0) } }
            #expect(ids.count == 6 && ids == ids.sorted(by: >), "newest first")
            let movie = try #require(all.first { $0["name"]?.string == "movie.pdf" })
            #expect(movie["state"]?.string == "waiting_video")
            #expect(movie["stage"]?.string == "waiting_for_video")
            #expect(movie["kind"]?.string == "file")
            #expect(movie["attempts"]?.number == 2)
            #expect(movie["finished_at"] == .null)

            let failed = try #require(try await h.json("jobs", ["--state", "failed", "--json"])["jobs"]?.array)
            #expect(failed.map { $0["name"]?.string } == ["c.txt"])
            #expect(failed.first?["last_error"]?.string?.hasPrefix("unsupported_type: ") == true)
            let one = try #require(try await h.json("jobs", ["--limit", "1", "--json"])["jobs"]?.array)
            #expect(one.count == 1)

            let table = try await h.succeeding("jobs", ["--state", "succeeded"]).split(separator: "\n")
            #expect(table.count == 3)
            #expect(table.first?.hasPrefix("ID  STATE") == true)
            #expect(table.dropFirst().allSatisfy { $0.contains("succeeded") && $0.contains("file") })
            #expect(table.contains { $0.contains("a.png") } && table.contains { $0.contains("b.pdf") })

            #expect(try await daemon.stop() == 0)
            let after = try await h.json("status", ["--json"])
            #expect(after["daemon_running"] == .bool(false))
            #expect(after["daemon_pid"] == .null)
            #expect(try await h.succeeding("status").contains("daemon:          not running"))
        }
    }

    @Test("no database: one clear line and exit 1, and nothing is created")
    func missingDatabase() async throws {
        try await DaemonHarness.with { h in
            for command in [["status"], ["jobs", "--json"], ["retry", "--all-failed"]] {
                let run = try await h.command(command[0], Array(command.dropFirst()))
                #expect(run.status == 1, "\(command)")
                #expect(run.stdout.isEmpty)
                #expect(run.stderr == "heygen-dropd: no queue database at \(h.state)/queue.sqlite3: has the daemon run?\n")
            }
            #expect(h.list(h.state).isEmpty)
        }
    }

    @Test("bad arguments: one line each, exit not 0")
    func badArguments() async throws {
        try await DaemonHarness.with { h in
            let cases: [(String, [String], String)] = [
                ("jobs", ["--state", "bogus"], "unknown job state \"bogus\""),
                ("jobs", ["--limit", "0"], "--limit must be"),
                ("retry", [], "give the ids"),
                ("retry", ["12", "--all-failed"], "not both"),
                ("retry", ["abc"], "not a job id"),
            ]
            for (command, arguments, message) in cases {
                let run = try await h.command(command, arguments)
                #expect(run.status != 0, "\(command) \(arguments)")
                #expect(run.stderr.split(separator: "\n").count == 1, "\(command) \(arguments): \(run.stderr)")
                #expect(run.stderr.contains(message), "\(command) \(arguments): \(run.stderr)")
            }
        }
    }

    @Test("retry brings failed jobs back: files return from failed/, the jobs succeed, results are replaced")
    func retryAfterWrongKey() async throws {
        try await DaemonHarness.with { h in
            // A wrong key: every job fails as unauthorized, its files go to failed/.
            h.apiKey = "bad-key"
            let first = try await h.startDaemon()
            try h.drop("report.pdf.prompt", Data("Explain this report.".utf8))
            try h.drop("report.pdf", SampleMedia.pdf(text: "report"))
            try h.drop("photo.png", SampleMedia.bytes(.png, seed: 41))
            try h.drop("gone.png", SampleMedia.bytes(.png, seed: 42))
            let staging = try h.root.subdirectory("deck")
            try SampleMedia.bytes(.png, seed: 43).write(to: URL(fileURLWithPath: "\(staging)/one.png"))
            try SampleMedia.bytes(.jpeg, seed: 44).write(to: URL(fileURLWithPath: "\(staging)/two.jpg"))
            #expect(rename(staging, "\(h.inbox)/deck") == 0)
            let names = ["report.pdf", "photo.png", "gone.png", "deck"]
            let failedResults = try await h.waitForResults(names)
            #expect(failedResults.values.allSatisfy { $0.errorCode == "unauthorized" })
            #expect(try await first.stop() == 0)
            #expect(h.list(h.failed) == ["deck", "gone.png", "photo.png", "report.pdf", "report.pdf.prompt"])
            let keysBefore = Set(h.simulator.stats.uploadsByIdempotencyKey.keys)

            let failedJobs = try #require(try await h.json("jobs", ["--state", "failed", "--json"])["jobs"]?.array)
            var idOf: [String: String] = [:]
            for job in failedJobs {
                if let name = job["name"]?.string, let id = job["job_id"]?.string { idOf[name] = id }
            }
            #expect(Set(idOf.keys) == Set(names))

            // Refusals: an unknown id, a name already taken in the inbox.
            let unknown = try await h.command("retry", ["99999"])
            #expect(unknown.status != 0)
            #expect(unknown.stderr == "heygen-dropd: job 99999: no such job\n")
            try h.drop("photo.png", SampleMedia.bytes(.png, seed: 99))
            let clash = try await h.command("retry", [try #require(idOf["photo.png"])])
            #expect(clash.status != 0)
            #expect(clash.stderr.contains("photo.png is already in the inbox"))
            #expect(h.list(h.failed).contains("photo.png"))
            try FileManager.default.removeItem(atPath: "\(h.inbox)/photo.png")
            // A source taken out of failed/ by hand cannot come back.
            try FileManager.default.removeItem(atPath: "\(h.failed)/gone.png")
            let gone = try await h.command("retry", [try #require(idOf["gone.png"])])
            #expect(gone.status != 0)
            #expect(gone.stderr.contains("nothing to bring back"))
            #expect(h.list(h.inbox).isEmpty)

            // The right key, a running daemon, then retry everything.
            h.apiKey = "test-key-0123456789"
            let second = try await h.startDaemon()
            let retry = try await h.command("retry", ["--all-failed"])
            #expect(retry.status == 0, "\(retry.stderr)")
            let lines = retry.stdout.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines.filter { $0.contains("back in the queue") }.count == 3)
            #expect(lines.contains { $0.contains("report.pdf: back in the queue; report.pdf, report.pdf.prompt returned") })
            #expect(lines.contains { $0.contains("gone.png: nothing to bring back") })

            let results = try await eventually("the retried jobs succeed") {
                let results = try ["report.pdf", "photo.png", "deck"].map { try ResultFile(path: "\(h.outbox)/\($0).json") }
                return results.allSatisfy { $0.status == "succeeded" } ? results : nil
            }
            #expect(results[0].movedTo == "\(h.archive)/report.pdf")
            #expect(results[0].videoAgent?["video_url"]?.string != nil, "the prompt came back with its file")
            #expect(results[0].json["job_id"]?.string == idOf["report.pdf"])
            #expect(results[2].assets.count == 2)
            #expect(h.list(h.archive) == ["deck", "photo.png", "report.pdf", "report.pdf.prompt"])
            #expect(h.list(h.failed).isEmpty)
            #expect(h.list(h.inbox).isEmpty)
            // Fresh idempotency keys: the retried uploads were new requests, not replays of the refused ones.
            let newKeys = h.simulator.stats.uploadsByIdempotencyKey.filter { !keysBefore.contains($0.key) }
            #expect(newKeys.count == 4)
            #expect(newKeys.values.allSatisfy { $0 == 1 })
            #expect(h.simulator.stats.uploads == 4)

            // A job that is not failed is refused; only gone.png is still failed.
            let again = try await h.command("retry", [try #require(idOf["photo.png"])])
            #expect(again.status != 0)
            #expect(again.stderr.contains("it is succeeded, not failed"))
            let stillFailed = try #require(try await h.json("jobs", ["--state", "failed", "--json"])["jobs"]?.array)
            #expect(stillFailed.map { $0["name"]?.string } == ["gone.png"])
            #expect(try await second.stop() == 0)
        }
    }
}

extension DaemonHarness {
    /// Runs a subcommand that must succeed and returns its stdout.
    func succeeding(_ subcommand: String, _ extra: [String] = []) async throws -> String {
        let run = try await command(subcommand, extra)
        guard run.status == 0 else {
            throw HarnessError("\(subcommand) \(extra) exited \(run.status): \(run.stderr)")
        }
        return run.stdout
    }

    /// Runs a subcommand that must succeed and parses its stdout as JSON.
    func json(_ subcommand: String, _ extra: [String] = []) async throws -> JSONNode {
        try JSONNode.parse(Data(try await succeeding(subcommand, extra).utf8))
    }
}
