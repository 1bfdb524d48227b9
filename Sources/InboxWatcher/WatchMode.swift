/// How the inbox is watched (the setting `watch`).
public enum WatchMode: String, Sendable, CaseIterable {
    /// inotify, unless the inbox is on a shared file system (`FileSystemKind.isShared`): then polling.
    case auto
    /// inotify, wherever the inbox is (writes by other hosts to a network share are not seen).
    case inotify
    /// Polling, wherever the inbox is.
    case poll
}

/// The way a watcher follows its inbox, and why: the decision of a `WatchMode` for the inbox's file system.
public struct WatchChoice: Sendable, Equatable {
    /// The way changes are learned of.
    public enum Method: String, Sendable {
        /// The kernel reports every change (`inotify`).
        case inotify
        /// The inbox is listed every poll interval, and entries compared across listings.
        case poll
    }

    /// The way chosen.
    public var method: Method
    /// The file system it was chosen for.
    public var fileSystem: FileSystemKind
    /// Why, as the log says it ("the inbox is on NFS (statfs type 0x6969), …").
    public var reason: String
    /// True when inotify was forced on a shared file system: writes by other hosts go unseen.
    public var missesOtherHostsWrites: Bool

    /// The choice `mode` makes for an inbox on `fileSystem`: `auto` polls on a shared file system
    /// (NFS, SMB/CIFS, FUSE, 9p) and uses inotify elsewhere; `inotify` and `poll` force one.
    public static func decide(mode: WatchMode, fileSystem: FileSystemKind) -> WatchChoice {
        let place = "the inbox is on \(fileSystem.isShared ? "a shared file system" : "a local file system"), \(fileSystem)"
        switch (mode, fileSystem.isShared) {
        case (.auto, true):
            return WatchChoice(
                method: .poll, fileSystem: fileSystem,
                reason: "watch mode auto and \(place), where inotify does not see writes made by other hosts",
                missesOtherHostsWrites: false)
        case (.auto, false):
            return WatchChoice(
                method: .inotify, fileSystem: fileSystem, reason: "watch mode auto and \(place)",
                missesOtherHostsWrites: false)
        case (.inotify, let shared):
            return WatchChoice(
                method: .inotify, fileSystem: fileSystem,
                reason: shared
                    ? "watch mode inotify, although \(place): writes made by other hosts will not be seen (use watch mode auto or poll)"
                    : "watch mode inotify (\(place))",
                missesOtherHostsWrites: shared)
        case (.poll, _):
            return WatchChoice(
                method: .poll, fileSystem: fileSystem, reason: "watch mode poll (\(place))", missesOtherHostsWrites: false)
        }
    }
}
