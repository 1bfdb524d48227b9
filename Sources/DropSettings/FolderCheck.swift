#if canImport(Glibc)
import Glibc
import SystemSupport
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks `run` makes before it starts, so it refuses with one clear line instead of failing later.
public enum FolderCheck {
    /// Makes the folders ready for the daemon, or throws a `SettingsError` saying what is wrong:
    /// - no API key;
    /// - two of inbox, outbox, archive, failed and state dir are the same folder or one is inside
    ///   another (compared after resolving symlinks and `..`), across every profile;
    /// - a folder is missing and cannot be created (missing ones are created with their parents),
    ///   or exists but is not a directory;
    /// - a folder cannot be written to (a probe file is created and removed in each);
    /// - a profile's archive or failed folder is on another file system than its inbox (sources move by rename);
    /// - an `http://` API base URL whose host is not loopback (the key would cross the network in clear).
    public static func prepareForRun(_ settings: Settings) throws {
        guard settings.apiKey != nil else { throw SettingsError.noAPIKey }
        try APIKeyGuard.checkTransport(baseURL: settings.apiBaseURL)
        let folders = folders(of: settings)
        try checkNoOverlap(folders)
        for folder in folders {
            try createDirectory(folder)
        }
        for folder in folders {
            try probeWritable(folder)
        }
        for profile in settings.profiles {
            try checkSameFileSystem(profile, named: settings.declaredProfiles != nil)
        }
    }

    /// Refuses a profile whose archive or failed folder is on another file system than its inbox.
    private static func checkSameFileSystem(_ profile: Settings.Profile, named: Bool) throws(SettingsError) {
        var inbox = stat()
        guard stat(profile.inbox, &inbox) == 0 else { return }
        for (role, path) in [("archive", profile.archive), ("failed", profile.failed)] {
            var other = stat()
            guard stat(path, &other) == 0 else { continue }
            if other.st_dev != inbox.st_dev {
                throw .profile(
                    named ? profile.name : Settings.Profile.defaultName, key: role,
                    "\(role) \(path) is on another file system than the inbox \(profile.inbox); sources are moved by "
                        + "rename, so give it a folder on the inbox's file system")
            }
        }
    }

    /// One folder the daemon uses: its name in messages, its configured path and where it really is.
    package struct Folder {
        package var role: String
        package var path: String
        package var resolved: String

        /// `inbox /a/in`, or `inbox /b/in (resolves to /a/in)` when symlinks or `..` move it.
        var label: String {
            resolved == path ? "\(role) \(path)" : "\(role) \(path) (resolves to \(resolved))"
        }
    }

    /// The daemon's folders (every profile's inbox, outbox, archive, failed; the state dir), absolute, with
    /// where each resolves.
    package static func folders(of settings: Settings) -> [Folder] {
        var roles: [(String, String)] = []
        if let declared = settings.declaredProfiles {
            for profile in declared {
                roles += [
                    ("profile \(profile.name) inbox", profile.inbox), ("profile \(profile.name) outbox", profile.outbox),
                    ("profile \(profile.name) archive", profile.archive), ("profile \(profile.name) failed", profile.failed),
                ]
            }
        } else {
            roles = [
                ("inbox", settings.inbox), ("outbox", settings.outbox), ("archive", settings.archive),
                ("failed", settings.failed),
            ]
        }
        return (roles + [("state dir", settings.stateDir)]).map { role, path in
            let absolute = SettingsLoader.absolutePath(path)
            return Folder(role: role, path: absolute, resolved: resolvedPath(absolute))
        }
    }

    private static func checkNoOverlap(_ folders: [Folder]) throws(SettingsError) {
        for (index, first) in folders.enumerated() {
            for second in folders[(index + 1)...] {
                if first.resolved == second.resolved {
                    throw .foldersOverlap("\(first.label) and \(second.label) are the same folder")
                }
                if isInside(first.resolved, second.resolved) {
                    throw .foldersOverlap("\(first.label) is inside \(second.label)")
                }
                if isInside(second.resolved, first.resolved) {
                    throw .foldersOverlap("\(second.label) is inside \(first.label)")
                }
            }
        }
    }

    private static func isInside(_ inner: String, _ outer: String) -> Bool {
        outer == "/" ? inner != "/" : inner.hasPrefix(outer + "/")
    }

    /// `path` (absolute) with symlinks resolved in its longest existing prefix and the rest
    /// normalised lexically (`..` removes the previous component).
    static func resolvedPath(_ path: String) -> String {
        let components = path.split(separator: "/").map(String.init)
        var existing = components.count
        while existing > 0 {
            let prefix = "/" + components[0..<existing].joined(separator: "/")
            if let real = realpath(prefix, nil) {
                defer { free(real) }
                return normalized(String(cString: real) + "/" + components[existing...].joined(separator: "/"))
            }
            existing -= 1
        }
        return normalized(path)
    }

    private static func normalized(_ path: String) -> String {
        var stack: [Substring] = []
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = stack.popLast()
            default: stack.append(component)
            }
        }
        return "/" + stack.joined(separator: "/")
    }

    /// Creates `folder.path` and its missing parents; it must end up a directory (or a symlink to one).
    private static func createDirectory(_ folder: Folder) throws(SettingsError) {
        var prefix = ""
        for component in folder.path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o777) != 0 {
                let failure = errno
                if failure == EEXIST { continue }
                throw .folderUncreatable(role: folder.role, path: folder.path, reason: message(failure))
            }
        }
        var info = stat()
        guard stat(folder.path, &info) == 0 else {
            throw .folderUncreatable(role: folder.role, path: folder.path, reason: message(errno))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .folderNotDirectory(role: folder.role, path: folder.path)
        }
    }

    /// Creates and removes a hidden file in the folder (hidden names are never taken as drops).
    private static func probeWritable(_ folder: Folder) throws(SettingsError) {
        let probe = folder.path + "/.heygen-dropd-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .folderUnwritable(role: folder.role, path: folder.path, reason: message(errno))
        }
        close(descriptor)
        unlink(probe)
    }

    private static func message(_ number: Int32) -> String {
        errnoText(number)
    }
}
