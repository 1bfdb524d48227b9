import Foundation
import Testing
import TestSupport

@testable import DropSettings

/// The queue's settings keep its password out of every message.
@Suite(.timeLimit(.minutes(2))) struct SettingsQueueTests {
    @Test func aPasswordInTheQueueURLIsRefusedWithoutRepeatingIt() async throws {
        for source in ["flag", "environment"] {
            let url = "postgres://dropd:s3cretPW@db.test/queue"
            let error = await #expect(throws: SettingsError.self) {
                if source == "flag" {
                    _ = try await loadSettings(flags: ["queue_url": url])
                } else {
                    _ = try await loadSettings(environment: ["HEYGEN_DROPD_QUEUE_URL": url])
                }
            }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains("queue_url"))
            #expect(!text.contains("s3cretPW"), "\(text)")
        }
    }

    @Test func thePasswordComesFromItsFileOrTheCredentialAndIsNeverPrinted() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir.file("heygen-queue-password"), "from-credential\n")
            let settings = try await loadSettings(
                flags: ["queue_url": "postgres://dropd@db.test/queue"], environment: ["CREDENTIALS_DIRECTORY": dir.path])
            #expect(settings.queue.password?.value == "from-credential")
            #expect(settings.queue.password?.source == "systemd credential heygen-queue-password")
            #expect(!"\(settings)".contains("from-credential"))
            #expect(!String(reflecting: settings).contains("from-credential"))
            try writeFile(dir.file("pw"), "  \n")
            await #expect(throws: SettingsError.self) {
                _ = try await loadSettings(flags: ["queue_password_file": dir.file("pw")])
            }
            let none = try await loadSettings(flags: [:], environment: [:])
            #expect(none.queue == Settings.Queue())
        }
    }
}
