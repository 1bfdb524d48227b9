import Foundation
import Testing
import TestSupport

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

/// `max_retry_after_seconds`: the longest `Retry-After` slept in a worker.
@Suite struct SettingsRetryAfterTests {
    @Test func defaultIsTenMinutes() async throws {
        #expect(try await loadSettings().maxRetryAfter == .seconds(600))
        #expect(PipelineOptions(Settings()).retryPolicy.maxRetryAfter == .seconds(600))
    }

    @Test func fromFlagEnvironmentAndConfigFile() async throws {
        #expect(try await loadSettings(flags: ["max_retry_after_seconds": "30"]).maxRetryAfter == .seconds(30))
        let fromEnvironment = try await loadSettings(environment: ["HEYGEN_DROPD_MAX_RETRY_AFTER_SECONDS": "0"])
        #expect(fromEnvironment.maxRetryAfter == .zero)
        #expect(PipelineOptions(fromEnvironment).retryPolicy.maxRetryAfter == .zero)
        try await withTemporaryDirectory { dir in
            let file = dir.file("config.yaml")
            try writeFile(file, "max_retry_after_seconds: 86400\n")
            #expect(try await loadSettings(flags: ["config": file]).maxRetryAfter == .seconds(86_400))
        }
    }

    @Test(arguments: ["-1", "86401", "9223372036854775807", "ten", "1.5"])
    func outOfRangeIsOneLine(_ value: String) async throws {
        let error = try await settingsError { try await loadSettings(flags: ["max_retry_after_seconds": value]) }
        #expect(
            error.description
                == "invalid setting max_retry_after_seconds=\(value) (from --max-retry-after-seconds): must be a whole number from 0 to 86400")
        #expect(error.setting == "max_retry_after_seconds")
    }
}
