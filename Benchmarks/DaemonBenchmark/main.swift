import Foundation
import HeyGenSimulator
import Logging

// daemon-benchmark: the real `heygen-dropd` binary against the in-process simulator, each figure printed
// beside its peer's, measured in the same run.
//
//   daemon-benchmark throughput [--files 400] [--latency-ms 20] [--workers 4] [--peer no]
//       the daemon vs the floor (files × latency / workers) vs `inotifywait | xargs -P4 curl`
//       (`--peer no`: the daemon alone), and the daemon's CPU time meanwhile
//   daemon-benchmark bulk-poll [--videos 500] [--polls 10]
//       API requests while videos wait: bulk status vs one request per video and poll
//   daemon-benchmark idle [--seconds 10]
//       CPU ticks of an idle daemon vs an idle `inotifywait -m`
//   daemon-benchmark startup [--files 100000] [--settle-ms 200]
//       files already in the inbox at start: time to READY, to all queued, files/s into the queue, peak RSS
//
// Build first: `swift build -c release`, then `swift run -c release daemon-benchmark MODE`.

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "throughput"
let options = try BenchmarkOptions(Array(arguments.dropFirst()))
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("heygen-dropd").path
guard FileManager.default.isExecutableFile(atPath: binary) else {
    print("no heygen-dropd beside this benchmark (\(binary)): run `swift build -c release` first")
    exit(2)
}

switch mode {
case "throughput":
    try await Throughput(options: options, binary: binary).run()
case "bulk-poll":
    try await BulkPoll(options: options, binary: binary).run()
case "idle":
    try await Idle(options: options, binary: binary).run()
case "startup":
    try await Startup(options: options, binary: binary).run()
default:
    print("modes: throughput, bulk-poll, idle, startup")
    exit(2)
}
