import DropPipeline
import DropSettings
import DropQueue
import Foundation
import HeyGenAPI
import Logging

/// `heygen-dropd check`: looks at the set-up the settings describe and says, one line per check, what is
/// fine (OK), what is worth a look (WARN) and what stops the daemon from working (FAIL), with what to do.
///
/// It changes nothing but a probe file it creates and removes in each folder (to see that it is writable).
/// The API key is sent only to the configured API, and never shown.
public struct SetupCheck: Sendable {
    /// How one check came out.
    public enum Verdict: String, Sendable, Comparable {
        case ok = "OK"
        case warn = "WARN"
        case fail = "FAIL"

        private var rank: Int { self == .ok ? 0 : self == .warn ? 1 : 2 }
        public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
    }

    /// One line of the report.
    public struct Line: Sendable, Equatable {
        /// How it came out.
        public var verdict: Verdict
        /// What was checked (`inbox`, `disk space of outbox`, `API key`, ...).
        public var subject: String
        /// What was found and, unless OK, what to do.
        public var detail: String

        /// A line.
        public init(_ verdict: Verdict, _ subject: String, _ detail: String) {
            self.verdict = verdict
            self.subject = subject
            self.detail = detail
        }

        /// `OK    inbox: /srv/in exists and is writable`.
        public var text: String {
            verdict.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + subject + ": " + detail
        }
    }

    let settings: Settings
    let minFreeBytes: Int64
    let inotify: InotifyLimits
    let logger: Logger

    /// A check of `settings`: less than `minFreeBytes` free in the outbox or the state dir fails (less than
    /// twice that warns); `inotify` are the kernel's limits (read from /proc by default).
    public init(settings: Settings, minFreeBytes: Int64, inotify: InotifyLimits = .current(), logger: Logger) {
        self.settings = settings
        self.minFreeBytes = minFreeBytes
        self.inotify = inotify
        self.logger = logger
    }

    /// Every check but the API's, in order: folders, file systems, ACL, inotify, database, disk, clock.
    public func localLines(now: Date = Date()) -> [Line] {
        var lines = folderLines()
        lines += fileSystemLines()
        lines.append(aclLine())
        lines.append(inotifyLine())
        lines.append(databaseLine())
        lines += diskLines()
        lines.append(clockLine(now: now))
        return lines
    }

    /// The key against `GET /v3/users/me` through `client`.
    public func keyLine(client: HeyGenClient?) async -> Line {
        guard let client, let key = settings.apiKey else {
            return Line(
                .fail, "API key",
                "none set: put it in the systemd credential heygen-api-key, --api-key-file or HEYGEN_API_KEY")
        }
        do {
            let account = try await client.account()
            var detail = "accepted by \(settings.apiBaseURL) (from \(key.source))"
            if let billing = account.billingType { detail += "; billing \(billing)" }
            if let remaining = account.remaining { detail += ", \(remaining) remaining" }
            return Line(.ok, "API key", detail)
        } catch let error where error.category == .unauthorized {
            return Line(
                .fail, "API key",
                "refused by \(settings.apiBaseURL) (HTTP \(error.httpStatus.map(String.init) ?? "401")): check the key from \(key.source)")
        } catch {
            return Line(.fail, "API key", "could not be checked against \(settings.apiBaseURL): \(error.message)")
        }
    }
}
