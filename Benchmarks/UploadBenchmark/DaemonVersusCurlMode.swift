import Foundation
import HeyGenAPI
import HeyGenSimulator
#if canImport(Glibc)
import Glibc
#endif

/// `--daemon-vs-curl BYTES [--daemon PATH] [--work DIR]`: one large file sent to the in-process simulator's
/// storage twice, side by side: by `curl -T` (to an upload URL begun for it), and by the real `heygen-dropd`
/// (dropped into its inbox; it hashes, begins, `PUT`s, completes, waits and writes the result). Prints curl's
/// `PUT` time, the daemon's `PUT` time (from its log), the daemon's whole job from drop to result, and the
/// daemon's resident memory before the drop and at its peak. The daemon is a release build next to this one
/// unless `--daemon` names another; the file (an MP4 signature, then filler) is made in `--work`.
func daemonVersusCurl(size: Int64, daemonPath: String, workRoot: String) async throws {
    let work = "\(workRoot)/upload-benchmark-\(UUID().uuidString.prefix(8))"
    let folders = ["inbox", "outbox", "archive", "failed", "state"].map { "\(work)/\($0)" }
    for folder in folders { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    defer { try? FileManager.default.removeItem(atPath: work) }
    let file = "\(work)/big.mp4"
    try makeSample(file, size: size)

    let simulator = HeyGenSimulator(logger: quietLogger)
    try await simulator.withRunning { port in
        let base = "http://127.0.0.1:\(port)"
        print("daemon-vs-curl: \(size) bytes, in-process simulator on loopback (storage hashes and discards the bytes)")

        // curl -T to an upload URL begun for it.
        let httpClient = HeyGenClient.makeHTTPClient()
        let client = HeyGenClient(configuration: .init(baseURL: base, apiKey: "benchmark-key"), httpClient: httpClient, logger: quietLogger)
        let grant: DirectUploadGrant
        do {
            grant = try await client.beginDirectUpload(filename: "big.mp4", contentType: "video/mp4", sizeBytes: size, checksumSHA256: nil)
        } catch {
            try await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        var curlArguments = ["-sS", "--fail", "-T", file, "-o", "/dev/null", "-w", "%{time_total}", "-H", "Expect:"]
        for (name, value) in grant.uploadHeaders.sorted(by: { $0.key < $1.key }) { curlArguments += ["-H", "\(name): \(value)"] }
        let curlStart = ContinuousClock.now
        let curlOutput = try await run("/usr/bin/curl", curlArguments + [grant.uploadURL])
        let curlSeconds = seconds(ContinuousClock.now - curlStart)
        print(line("curl -T PUT", curlSeconds, size) + " (curl's time_total \(curlOutput.trimmingCharacters(in: .whitespacesAndNewlines)) s)")

        // The daemon, from drop to result.
        let log = "\(work)/daemon.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: daemonPath)
        daemon.arguments = [
            "run", "--inbox", folders[0], "--outbox", folders[1], "--archive", folders[2], "--failed", folders[3],
            "--state-dir", folders[4], "--log-level", "debug", "--log-format", "json", "--settle-ms", "200",
        ]
        daemon.environment = ["HEYGEN_API_KEY": "benchmark-key", "HEYGEN_API_BASE_URL": base, "PATH": "/usr/bin:/bin"]
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        daemon.standardOutput = handle
        daemon.standardError = handle
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let pid = daemon.processIdentifier
        try await waitFor("the daemon to watch its inbox", timeout: .seconds(30)) {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("watching")
        }
        let before = memory(of: pid)
        let dropStart = ContinuousClock.now
        guard link(file, "\(folders[0])/big.mp4") == 0 else { throw BenchmarkError("cannot link the file into the inbox: errno \(errno)") }
        try await waitFor("the result", timeout: .seconds(3600)) {
            FileManager.default.fileExists(atPath: "\(folders[1])/big.mp4.json")
        }
        let jobSeconds = seconds(ContinuousClock.now - dropStart)
        let after = memory(of: pid)
        kill(pid, SIGTERM)
        try await waitFor("the daemon to stop", timeout: .seconds(60)) { !daemon.isRunning }

        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let result = (try? String(contentsOfFile: "\(folders[1])/big.mp4.json", encoding: .utf8)) ?? ""
        guard result.contains("\"status\" : \"succeeded\"") || result.contains("\"status\":\"succeeded\"") else {
            throw BenchmarkError("the daemon's job did not succeed:\n\(result)")
        }
        if let putMilliseconds = putDuration(in: text) {
            let putSeconds = Double(putMilliseconds) / 1000
            print(line("daemon PUT", putSeconds, size) + String(format: " = %.2f× curl's", putSeconds / curlSeconds))
        } else {
            print("daemon PUT: not found in its log")
        }
        print(line("daemon job, drop to result (hashing, begin, PUT, complete, ready, result, move)", jobSeconds, size))
        print(
            "daemon memory: \(before.rss / 1024) MiB resident before the drop (peak so far \(before.peak / 1024) MiB), "
                + "peak \(after.peak / 1024) MiB: growth \((after.peak - before.rss) / 1024) MiB")
    }
}

/// Writes `size` bytes: an MP4 `ftyp` box, then filler, in 1 MiB writes.
private func makeSample(_ path: String, size: Int64) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil) else { throw BenchmarkError("cannot create \(path)") }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    for index in chunk.indices { chunk[index] = UInt8(truncatingIfNeeded: index &* 131 &+ 7) }
    let header: [UInt8] = [0x00, 0x00, 0x00, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isom".utf8) + [0, 0, 0, 8]
    var first = chunk
    first.replaceSubrange(0..<header.count, with: header)
    var written: Int64 = 0
    while written < size {
        let count = Int(min(Int64(chunk.count), size - written))
        try handle.write(contentsOf: (written == 0 ? first : chunk)[0..<count])
        written += Int64(count)
    }
}

/// `VmRSS` and `VmHWM` of a process, in KiB (-1 when unknown).
private func memory(of pid: Int32) -> (rss: Int, peak: Int) {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (-1, -1) }
    func field(_ name: String) -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

/// The `duration_ms` of the client's "direct upload sent" log line.
private func putDuration(in log: String) -> Int? {
    for line in log.split(separator: "\n") where line.contains("direct upload sent") {
        guard let data = line.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            continue
        }
        let metadata = object["metadata"] as? [String: Any] ?? object
        if let text = metadata["duration_ms"] as? String, let value = Int(text) { return value }
        if let value = metadata["duration_ms"] as? Int { return value }
    }
    return nil
}

/// Runs a program to its end; returns its standard output, throwing when it fails.
private func run(_ program: String, _ arguments: [String]) async throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    while process.isRunning { try await Task.sleep(for: .milliseconds(5)) }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    guard process.terminationStatus == 0 else { throw BenchmarkError("\(program) exited with \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}

/// Polls `condition` every 5 ms until it holds.
private func waitFor(_ what: String, timeout: Duration, _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw BenchmarkError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

private func line(_ label: String, _ seconds: Double, _ size: Int64) -> String {
    "\(label): \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", Double(size) / seconds / 1_048_576)) MiB/s)"
}
