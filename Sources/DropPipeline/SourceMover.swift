import Foundation
#if canImport(Glibc)
import Glibc
import SystemSupport
#endif

/// One planned move of a dropped entry (a file, a sidecar or a bundle directory).
public struct PlannedMove: Sendable, Equatable, Codable {
    /// The absolute path it has in the inbox.
    public var from: String
    /// The absolute path it gets in archive/ or failed/.
    public var to: String
    /// Who the entry was when the job checked it: only that entry moves. Nil when the job never held it
    /// (it could not be opened, or was not a regular file or folder): then nothing under that name moves.
    public var identity: EntryIdentity?

    /// A move of the entry `identity` from `from` to `to`.
    public init(from: String, to: String, identity: EntryIdentity?) {
        self.from = from
        self.to = to
        self.identity = identity
    }
}

/// Moves a job's sources out of the inbox without ever overwriting or losing anything, and without ever
/// moving an entry the job did not check.
///
/// A job's entries move as a group: the main entry and its sidecars keep their names relative to each
/// other (`report.pdf` + `report.pdf.prompt`), and when any name is taken in the destination the whole
/// group gets a numeric suffix before the extension (`report-1.pdf`, `report-1.pdf.prompt`).
/// Each move names the identity the entry had when it was checked; an entry now under that name with
/// another identity (replaced, edited, swapped for a symlink) is left in the inbox. Moves are safe to repeat
/// after a crash: an entry already at its destination is left there, and a crash between `link` and
/// `unlink` is finished only when both names still lead to the checked entry.
/// The calls block: run them through `BlockingIO`.
package enum SourceMover {
    /// Plans moving `main` and its `companions` (names in `inbox`, each starting with `main`'s name, with the
    /// identities they had when checked) into `folder`.
    package static func plan(
        main: String, identity: EntryIdentity?, companions: [(name: String, identity: EntryIdentity?)],
        inbox: String, to folder: String
    ) -> [PlannedMove] {
        var attempt = 0
        // Companions end longer than `main` by this much; a suffixed name leaves room for it (NAME_MAX).
        let reserve = companions.map { $0.name.utf8.count - main.utf8.count }.max() ?? 0
        while true {
            let target = attempt == 0 ? main : FittedName.suffixed(
                main, attempt, isDirectory: identity?.isDirectory ?? false, reserve: reserve)
            let names = [(main, target, identity)] + companions.map { ($0.name, target + $0.name.dropFirst(main.count), $0.identity) }
            if names.allSatisfy({ !FileIO.exists("\(folder)/\($0.1)") }) {
                return names.map { PlannedMove(from: "\(inbox)/\($0.0)", to: "\(folder)/\($0.1)", identity: $0.2) }
            }
            attempt += 1
        }
    }

    /// The name with suffix `n` before its last extension: `report.pdf` → `report-2.pdf`, bundle `launch` → `launch-2`
    /// (shortened with a hash when it would not fit a file name, see `FittedName.suffixed`).
    package static func suffixed(_ name: String, _ n: Int, isDirectory: Bool) -> String {
        FittedName.suffixed(name, n, isDirectory: isDirectory)
    }

    /// The outcome of carrying out a plan.
    package enum Outcome: Equatable {
        /// Every checked entry still in the inbox is now at its destination; `leftInPlace` holds the `from`
        /// paths that were not moved because the entry under that name is not the checked one.
        case done(leftInPlace: Set<String>)
        /// A destination was taken by something else meanwhile: plan again.
        case destinationTaken

        /// Done with every entry moved (or already gone).
        package static let done = Outcome.done(leftInPlace: [])
    }

    /// The identity of what is under `path` now (`lstat`, never following a symlink), nil when nothing is.
    package static func identity(at path: String) -> EntryIdentity? {
        status(path)
    }

    /// What is under one name now, for the decisions of `execute`.
    private static func status(_ path: String) -> EntryIdentity? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return EntryIdentity(info)
    }

    /// Carries out `moves` in order. Entries no longer in the inbox are skipped (already moved, or vanished).
    package static func execute(_ moves: [PlannedMove]) throws -> Outcome {
        var left: Set<String> = []
        for move in moves {
            guard let current = status(move.from) else { continue }
            guard let checked = move.identity else {
                left.insert(move.from)
                continue
            }
            let there = status(move.to)
            if let there, there.isSameObject(as: checked) {
                // Already at its destination. Both names lead to it after a crash between link and unlink:
                // finish the move. A newcomer under the old name is not this job's: it stays in the inbox.
                if current.isSameObject(as: checked) { unlink(move.from) }
                continue
            }
            guard current.isUnchanged(comparedWith: checked) else {
                left.insert(move.from)
                continue
            }
            if there != nil { return .destinationTaken }
            if try !moveEntry(from: move.from, to: move.to, checked: checked) {
                left.insert(move.from)
            }
        }
        if let folder = moves.first.map({ ($0.to as NSString).deletingLastPathComponent }) {
            FileIO.syncDirectory(folder)
        }
        if let inbox = moves.first.map({ ($0.from as NSString).deletingLastPathComponent }) {
            FileIO.syncDirectory(inbox)
        }
        return .done(leftInPlace: left)
    }

    /// Moves one entry; false when what arrived at `to` turned out not to be the checked entry (it was
    /// swapped in the instant before the move), which is then put back and left alone.
    private static func moveEntry(from: String, to: String, checked: EntryIdentity) throws -> Bool {
        if !checked.isDirectory {
            // link() refuses to replace an existing name, so this never overwrites; it never follows a symlink.
            if link(from, to) == 0 {
                guard let linked = status(to), linked.isSameObject(as: checked) else {
                    unlink(to)
                    return false
                }
                if let still = status(from), still.isSameObject(as: checked) { unlink(from) }
                return true
            }
            switch errno {
            case EEXIST: throw FileIOError("cannot move \(from): \(to) appeared meanwhile")
            case EXDEV: return try copyAcrossDevices(from: from, to: to, checked: checked)
            default: break  // a file system without hard links: fall back to rename below
            }
        }
        switch NoReplaceRename.rename(from, to) {
        case .renamed:
            return verifyRenamed(from: from, to: to, checked: checked)
        case .failed(EEXIST), .failed(ENOTEMPTY):
            throw FileIOError("cannot move \(from): \(to) appeared meanwhile")
        case .failed(EXDEV):
            return try copyAcrossDevices(from: from, to: to, checked: checked)
        case .failed(let code):
            throw FileIOError("cannot move \(from) to \(to): \(errnoText(code))")
        case .unsupported:
            break
        }
        // A file system without RENAME_NOREPLACE: the destination was checked free just before.
        if rename(from, to) == 0 { return verifyRenamed(from: from, to: to, checked: checked) }
        if errno == EXDEV {
            return try copyAcrossDevices(from: from, to: to, checked: checked)
        }
        throw FileIOError("cannot move \(from) to \(to): \(FileIO.lastError())")
    }

    /// After a rename: true when the checked entry arrived; otherwise the stranger is renamed back.
    private static func verifyRenamed(from: String, to: String, checked: EntryIdentity) -> Bool {
        if let arrived = status(to), arrived.isSameObject(as: checked) { return true }
        _ = NoReplaceRename.rename(to, from)
        return false
    }

    /// Copies into a temporary name beside the destination, flushes every copied file and folder, renames it
    /// into place, then removes the source.
    private static func copyAcrossDevices(from: String, to: String, checked: EntryIdentity) throws -> Bool {
        let folder = (to as NSString).deletingLastPathComponent
        let temporary = "\(folder)/" + FittedName.fit((to as NSString).lastPathComponent, prefix: ".", suffix: ".copying")
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try FileManager.default.copyItem(atPath: from, toPath: temporary)
            guard let source = status(from), source.isUnchanged(comparedWith: checked) else {
                // Swapped or edited while it was copied: leave it for a job of its own.
                try? FileManager.default.removeItem(atPath: temporary)
                return false
            }
            try syncTree(temporary)
            guard !FileIO.exists(to) else { throw FileIOError("cannot move \(from): \(to) appeared meanwhile") }
            guard rename(temporary, to) == 0 else {
                throw FileIOError("cannot move \(from) to \(to): \(FileIO.lastError())")
            }
            FileIO.syncDirectory(folder)
            try FileManager.default.removeItem(atPath: from)
            return true
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Flushes `path` and, for a folder, everything under it (files first, then their folders) to disk.
    package static func syncTree(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileIOError("cannot examine \(path): \(FileIO.lastError())") }
        let format = info.st_mode & S_IFMT
        if format == S_IFDIR {
            for member in try FileManager.default.contentsOfDirectory(atPath: path) {
                try syncTree("\(path)/\(member)")
            }
        } else if format != S_IFREG {
            return  // symlinks and special files carry no data to flush
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError("cannot open \(path) to flush it: \(FileIO.lastError())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileIOError("cannot flush \(path): \(FileIO.lastError())") }
    }
}
