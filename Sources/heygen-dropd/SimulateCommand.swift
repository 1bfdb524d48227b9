import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings
import Foundation
import HeyGenSimulator
import Logging

/// `heygen-dropd simulate`: the HeyGen-compatible simulator alone.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the HeyGen-compatible simulator (for tests, benchmarks and trying things out).")

    @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8089
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Share of API requests answered 500 (0...1).") var errorRate: Double = 0
    @Option(help: "Share of API requests answered 429 with Retry-After.") var rateLimitRate: Double = 0
    @Option(help: "Retry-After seconds sent with a 429.") var retryAfter: Int = 1
    @Option(help: "Share of API requests answered with an HTML 502 page.") var badGatewayRate: Double = 0
    @Option(help: "Added latency per request, in milliseconds.") var latencyMs: Int = 0
    @Option(help: "Share of videos that fail.") var videoFailureRate: Double = 0
    @Option(help: "Share of session polls answered 404.") var sessionNotFoundRate: Double = 0
    @Option(help: "Share of video polls answered 200 with an error body.") var errorBodyRate: Double = 0
    @Option(help: "Largest direct upload accepted (max_bytes), in bytes.") var directMaxBytes: Int64 = 5 * 1024 * 1024 * 1024
    @Option(help: "Seconds a direct upload URL stays valid.") var directUrlExpires: Int = 3600
    @Option(help: "Status polls a direct upload stays processing after complete.") var assetPollsUntilReady: Int = 1
    @Option(help: "Answer the next N direct upload PUTs with 500.") var directPutErrors: Int = 0
    @Option(help: "Cut the connection of the next N direct upload PUTs mid-body.") var directPutCuts: Int = 0
    @Option(help: "Answer the next N direct upload PUTs 403 as expired.") var directPutExpired: Int = 0
    @Option(help: "Answer the next N direct upload completes 500 (after completing).") var directCompleteErrors: Int = 0
    @Option(help: "Share of direct uploads whose asset ends failed.") var directAssetFailureRate: Double = 0
    @Option(help: "Size of every video file served, in bytes (make it large for download benchmarks).")
    var videoSizeBytes: Int64 = SimulatorOutputFaults().videoSizeBytes
    @Option(help: "Seconds a file URL (video_url, ...) stays valid before it answers 403.")
    var fileUrlLifetime: Int = SimulatorOutputFaults().fileURLLifetimeSeconds
    @Option(help: "Log level.") var logLevel: String = "info"

    func run() async throws {
        try await reportingFailure {
            bootstrapLogging(
                format: .text, level: Logger.Level(rawValue: logLevel) ?? .info,
                environment: ProcessInfo.processInfo.environment)
            let logger = Logger(label: "heygen-simulator")
            var faults = SimulatorFaults()
            faults.errorRate = errorRate
            faults.rateLimitRate = rateLimitRate
            faults.retryAfterSeconds = retryAfter
            faults.badGatewayRate = badGatewayRate
            faults.latencyMs = latencyMs
            faults.videoFailureRate = videoFailureRate
            faults.sessionNotFoundRate = sessionNotFoundRate
            faults.errorBodyRate = errorBodyRate
            faults.directUpload = DirectUploadFaults(
                maxBytes: directMaxBytes, urlExpiresInSeconds: directUrlExpires, pollsUntilReady: assetPollsUntilReady,
                putErrors: directPutErrors, putCuts: directPutCuts, putExpired: directPutExpired,
                completeErrors: directCompleteErrors, assetFailureRate: directAssetFailureRate)
            faults.output.videoSizeBytes = videoSizeBytes
            faults.output.fileURLLifetimeSeconds = fileUrlLifetime
            let simulator = HeyGenSimulator(host: host, port: port, faults: faults, logger: logger)
            try await simulator.run { port in
                print("simulator listening on http://\(host):\(port)")
            }
        }
    }
}
