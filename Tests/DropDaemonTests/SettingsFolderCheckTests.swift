import Foundation
import Testing
import TestSupport

@testable import DropDemo
@testable import DropLogging
@testable import DropOperator
@testable import DropPipeline
@testable import DropService
@testable import DropSettings

@Suite(.timeLimit(.minutes(5))) struct SettingsFolderCheckTests {
    /// Settings with every folder under `root` and a key.
    static func settings(in root: String) -> Settings {
        var settings = Settings()
        settings.inbox = root + "/spool/inbox"
        settings.outbox = root + "/spool/outbox"
        settings.archive = root + "/spool/archive"
        settings.failed = root + "/spool/failed"
        settings.stateDir = root + "/state"
        settings.apiKey = APIKey("k", source: "test")
        return settings
    }

    func prepareError(_ settings: Settings) throws -> SettingsError {
        do {
            try FolderCheck.prepareForRun(settings)
            Issue.record("expected prepareForRun to refuse")
            throw CancellationError()
        } catch let error as SettingsError {
            return error
        }
    }

    @Test func createsMissingFoldersAndLeavesNoProbeBehind() async throws {
        try await withTemporaryDirectory { dir in
            let settings = Self.settings(in: dir.path + "/deep/er")
            try FolderCheck.prepareForRun(settings)
            for folder in [settings.inbox, settings.outbox, settings.archive, settings.failed, settings.stateDir] {
                var isDirectory: ObjCBool = false
                #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue)
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
            }
            // Existing folders are fine the second time.
            try FolderCheck.prepareForRun(settings)
        }
    }

    @Test func refusesMissingKey() async throws {
        try await withTemporaryDirectory { dir in
            var settings = Self.settings(in: dir.path)
            settings.apiKey = nil
            let error = try prepareError(settings)
            #expect(error.description == "no API key: set HEYGEN_API_KEY, --api-key-file, or the systemd credential heygen-api-key")
        }
    }

    @Test func refusesFolderInsideAnother() async throws {
        try await withTemporaryDirectory { dir in
            var settings = Self.settings(in: dir.path)
            settings.archive = settings.inbox + "/archive"
            let error = try prepareError(settings)
            #expect(error.description == "folders overlap: archive \(settings.archive) is inside inbox \(settings.inbox)")
            // Nothing was created before refusing.
            #expect(!FileManager.default.fileExists(atPath: settings.inbox))
        }
    }

    @Test func refusesStateDirAroundTheInbox() async throws {
        try await withTemporaryDirectory { dir in
            var settings = Self.settings(in: dir.path)
            settings.stateDir = dir.path + "/spool"
            let error = try prepareError(settings)
            #expect(error.description == "folders overlap: inbox \(settings.inbox) is inside state dir \(settings.stateDir)")
        }
    }

    @Test func refusesSameFolderAfterResolvingDotDot() async throws {
        try await withTemporaryDirectory { dir in
            var settings = Self.settings(in: dir.path)
            settings.outbox = dir.path + "/spool/nothing/../inbox"
            let error = try prepareError(settings)
            let resolvedInbox = FolderCheck.resolvedPath(settings.inbox)
            #expect(error.description == "folders overlap: inbox \(settings.inbox)\(settings.inbox == resolvedInbox ? "" : " (resolves to \(resolvedInbox))") and outbox \(settings.outbox) (resolves to \(resolvedInbox)) are the same folder")
        }
    }

    @Test func refusesOverlapThroughSymlink() async throws {
        try await withTemporaryDirectory { dir in
            var settings = Self.settings(in: dir.path)
            try FileManager.default.createDirectory(atPath: settings.inbox, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir.path + "/link", withDestinationPath: settings.inbox)
            settings.failed = dir.path + "/link/failed"
            let error = try prepareError(settings)
            let realInbox = FolderCheck.resolvedPath(settings.inbox)
            #expect(error.description.hasPrefix("folders overlap: failed \(settings.failed) (resolves to \(realInbox)/failed) is inside inbox "))
        }
    }

    @Test func refusesFolderThatCannotBeCreated() async throws {
        try await withTemporaryDirectory { dir in
            try writeFile(dir.file("plain-file"), "x")
            var settings = Self.settings(in: dir.path)
            settings.outbox = dir.file("plain-file") + "/outbox"
            let error = try prepareError(settings)
            #expect(error.description == "cannot create outbox \(settings.outbox): Not a directory")
            #expect(error.setting == "outbox")
        }
    }

    @Test func refusesFolderThatIsAFile() async throws {
        try await withTemporaryDirectory { dir in
            var settings = Self.settings(in: dir.path)
            settings.stateDir = dir.file("state-file")
            try writeFile(settings.stateDir, "x")
            let error = try prepareError(settings)
            #expect(error.description == "state dir \(settings.stateDir) is not a directory")
            #expect(error.setting == "state_dir")
        }
    }

    @Test func refusesReadOnlyFolderWhenPermissionsApply() async throws {
        // Root writes anywhere, so only an unprivileged run can see this refusal.
        guard geteuid() != 0 else { return }
        try await withTemporaryDirectory { dir in
            let settings = Self.settings(in: dir.path)
            try FileManager.default.createDirectory(atPath: settings.archive, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: settings.archive)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: settings.archive) }
            let error = try prepareError(settings)
            #expect(error.description == "cannot write to archive \(settings.archive): Permission denied")
        }
    }
}
