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
    ///   another (compared after resolving symlinks and `..`);
    /// - a folder is missing and cannot be created (missing ones are created with their parents),
    ///   or exists but is not a directory;
    /// - a folder cannot be written to (a probe file is created and removed in each);
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
    }

    /// One folder the daemon uses: its name in messages, its configured path and where it really is.
    struct Folder {
        var role: String
        var path: String
        var resolved: String

        /// `inbox /a/in`, or `inbox /b/in (resolves to /a/in)` when symlinks or `..` move it.
        var label: String {
            resolved == path ? "\(role) \(path)" : "\(role) \(path) (resolves to \(resolved))"
        }
    }

    static func folders(of settings: Settings) -> [Folder] {
        [
            ("inbox", settings.inbox), ("outbox", settings.outbox), ("archive", settings.archive),
            ("failed", settings.failed), ("state dir", settings.stateDir),
        ].map { role, path in
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
