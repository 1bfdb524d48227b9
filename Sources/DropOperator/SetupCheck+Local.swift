import CSystemCalls
import DropPipeline
import DropSettings
import DropQueue
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checks that need only this machine: folders, file systems, the inbox's ACL, the database, disk, clock.
extension SetupCheck {
    /// Each folder exists, is a directory, and this user can create a file in it.
    func folderLines() -> [Line] {
        FolderCheck.folders(of: settings).map { folder in
            var info = stat()
            guard stat(folder.path, &info) == 0 else {
                let failure = errno
                if failure == ENOENT {
                    return Line(.fail, folder.role, "\(folder.path) is missing: create it (the README's install steps)")
                }
                return Line(.fail, folder.role, "\(folder.path) cannot be reached: \(String(cString: strerror(failure)))")
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                return Line(.fail, folder.role, "\(folder.path) is not a folder")
            }
            let probe = folder.path + "/.heygen-dropd-check-\(getpid())"
            let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno))
                return Line(
                    .fail, folder.role,
                    "\(folder.path) is not writable by \(Self.userName()) (\(reason)): give the service user write access")
            }
            close(descriptor)
            unlink(probe)
            return Line(.ok, folder.role, "\(folder.path) exists and is writable by \(Self.userName())")
        }
    }

    /// The inbox and archive/failed on one file system (sources move there by rename).
    func fileSystemLines() -> [Line] {
        guard let inbox = Self.device(settings.inbox) else { return [] }
        return [("archive", settings.archive), ("failed", settings.failed)].compactMap { role, path in
            guard let device = Self.device(path) else { return nil }
            if device == inbox {
                return Line(.ok, "inbox and \(role)", "on one file system")
            }
            return Line(
                .fail, "inbox and \(role)",
                "\(settings.inbox) and \(path) are on different file systems: sources move by rename, put them on one")
        }
    }

    /// The inbox's default ACL, which gives the service group access to files that members drop.
    func aclLine() -> Line {
        let size = getxattr(settings.inbox, "system.posix_acl_default", nil, 0)
        if size > 0 { return Line(.ok, "inbox ACL", "\(settings.inbox) has a default ACL") }
        return Line(
            .warn, "inbox ACL",
            "\(settings.inbox) has no default ACL: files dropped by group members may be unreadable to the daemon (setfacl -d -m g:heygen-dropd:rwX \(settings.inbox))")
    }

    /// The kernel's inotify limits against what one daemon needs (a watch per inbox and per bundle settling).
    func inotifyLine() -> Line {
        let profiles = 1
        let watchesNeeded = profiles * 1024
        let queuedNeeded = 16384
        guard let watches = inotify.maxUserWatches, let queued = inotify.maxQueuedEvents else {
            return Line(.warn, "inotify limits", "cannot be read from /proc/sys/fs/inotify")
        }
        var problems: [String] = []
        if watches < watchesNeeded {
            problems.append("max_user_watches is \(watches), want \(watchesNeeded) or more (sysctl fs.inotify.max_user_watches=\(watchesNeeded))")
        }
        if queued < queuedNeeded {
            problems.append("max_queued_events is \(queued), want \(queuedNeeded) or more (sysctl fs.inotify.max_queued_events=\(queuedNeeded)); an overflow costs a rescan")
        }
        if problems.isEmpty {
            return Line(.ok, "inotify limits", "max_user_watches \(watches), max_queued_events \(queued) for \(profiles) profile(s)")
        }
        return Line(.warn, "inotify limits", problems.joined(separator: "; "))
    }

    /// The queue database opens and `PRAGMA quick_check` finds nothing (a database not made yet is fine).
    func databaseLine() -> Line {
        let path = settings.databasePath
        guard FileManager.default.fileExists(atPath: path) else {
            return Line(.ok, "database", "\(path) does not exist yet; the daemon makes it on its first start")
        }
        do {
            let queue = try JobQueue(path: path, logger: logger)
            let problems = try queue.quickCheck()
            if problems.isEmpty { return Line(.ok, "database", "\(path) passes quick_check") }
            return Line(
                .fail, "database",
                "\(path) fails quick_check: \(problems.prefix(3).joined(separator: "; ")): stop the daemon and restore it from a backup")
        } catch {
            return Line(.fail, "database", "\(path) cannot be opened: \(error)")
        }
    }

    /// Free space where results and the database are written.
    func diskLines() -> [Line] {
        [("outbox", settings.outbox), ("state dir", settings.stateDir)].map { role, path in
            var info = statvfs()
            guard statvfs(path, &info) == 0 else {
                return Line(.fail, "disk space of \(role)", "\(path): \(String(cString: strerror(errno)))")
            }
            let free = Int64(info.f_bavail) * Int64(info.f_frsize)
            let text = "\(Self.megabytes(free)) free in \(path)"
            if free < minFreeBytes {
                return Line(.fail, "disk space of \(role)", "\(text), under the \(Self.megabytes(minFreeBytes)) minimum: free some space")
            }
            if free < minFreeBytes * 2 {
                return Line(.warn, "disk space of \(role)", "\(text), close to the \(Self.megabytes(minFreeBytes)) minimum")
            }
            return Line(.ok, "disk space of \(role)", text)
        }
    }

    /// The clock is plausible (not before this program was written): leases, retries and results use it.
    func clockLine(now: Date) -> Line {
        let earliest = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
        if now < earliest {
            return Line(.fail, "clock", "it says \(Timestamp.rfc3339(now)), before 2025: set the time (timedatectl)")
        }
        return Line(.ok, "clock", "\(Timestamp.rfc3339(now))")
    }

    static func device(_ path: String) -> UInt? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt(info.st_dev)
    }

    static func megabytes(_ bytes: Int64) -> String { "\(bytes / 1_000_000) MB" }

    static func userName() -> String {
        let uid = getuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return "\(String(cString: name)) (uid \(uid))" }
        return "uid \(uid)"
    }
}

/// The kernel's inotify limits.
public struct InotifyLimits: Sendable, Equatable {
    /// `fs.inotify.max_user_watches`, nil when unreadable.
    public var maxUserWatches: Int?
    /// `fs.inotify.max_queued_events`, nil when unreadable.
    public var maxQueuedEvents: Int?

    /// Limits as given.
    public init(maxUserWatches: Int?, maxQueuedEvents: Int?) {
        self.maxUserWatches = maxUserWatches
        self.maxQueuedEvents = maxQueuedEvents
    }

    /// This machine's limits, from /proc/sys/fs/inotify.
    public static func current() -> InotifyLimits {
        func read(_ name: String) -> Int? {
            guard let text = try? String(contentsOfFile: "/proc/sys/fs/inotify/" + name, encoding: .utf8) else {
                return nil
            }
            return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return InotifyLimits(maxUserWatches: read("max_user_watches"), maxQueuedEvents: read("max_queued_events"))
    }
}
