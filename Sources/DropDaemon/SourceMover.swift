import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One planned move of a dropped entry (a file, a sidecar or a bundle directory).
public struct PlannedMove: Sendable, Equatable, Codable {
    /// The absolute path it has in the inbox.
    public var from: String
    /// The absolute path it gets in archive/ or failed/.
    public var to: String
}

/// Moves a job's sources out of the inbox without ever overwriting or losing anything.
///
/// A job's entries move as a group: the main entry and its sidecars keep their names relative to each
/// other (`report.pdf` + `report.pdf.prompt`), and when any name is taken in the destination the whole
/// group gets a numeric suffix before the extension (`report-1.pdf`, `report-1.pdf.prompt`).
/// Moves are safe to repeat after a crash: an entry already at its destination is left there.
enum SourceMover {
    /// Plans moving `main` and its `companions` (names in `inbox`, each starting with `main`'s name) into `folder`.
    static func plan(main: String, companions: [String], inbox: String, to folder: String) -> [PlannedMove] {
        var attempt = 0
        // Companions end longer than `main` by this much; a suffixed name leaves room for it (NAME_MAX).
        let reserve = companions.map { $0.utf8.count - main.utf8.count }.max() ?? 0
        while true {
            let target = attempt == 0 ? main : FittedName.suffixed(
                main, attempt, isDirectory: FileIO.kind("\(inbox)/\(main)") == .directory, reserve: reserve)
            let names = [(main, target)] + companions.map { ($0, target + $0.dropFirst(main.count)) }
            if names.allSatisfy({ !FileIO.exists("\(folder)/\($0.1)") }) {
                return names.map { PlannedMove(from: "\(inbox)/\($0.0)", to: "\(folder)/\($0.1)") }
            }
            attempt += 1
        }
    }

    /// The name with suffix `n` before its last extension: `report.pdf` → `report-2.pdf`, bundle `launch` → `launch-2`
    /// (shortened with a hash when it would not fit a file name, see `FittedName.suffixed`).
    static func suffixed(_ name: String, _ n: Int, isDirectory: Bool) -> String {
        FittedName.suffixed(name, n, isDirectory: isDirectory)
    }

    /// The outcome of carrying out a plan.
    enum Outcome: Equatable {
        /// Every entry that still existed is now at its destination.
        case done
        /// A destination was taken by something else meanwhile: plan again.
        case destinationTaken
    }

    /// Carries out `moves` in order. Entries no longer in the inbox are skipped (already moved, or vanished).
    static func execute(_ moves: [PlannedMove]) throws -> Outcome {
        for move in moves {
            guard let kind = FileIO.kind(move.from) else { continue }
            if FileIO.exists(move.to) {
                if sameEntry(move.from, move.to) {
                    // A crash between link and unlink left both names: finish the move.
                    unlink(move.from)
                    continue
                }
                return .destinationTaken
            }
            try moveEntry(from: move.from, to: move.to, isDirectory: kind == .directory)
        }
        if let folder = moves.first.map({ ($0.to as NSString).deletingLastPathComponent }) {
            FileIO.syncDirectory(folder)
        }
        if let inbox = moves.first.map({ ($0.from as NSString).deletingLastPathComponent }) {
            FileIO.syncDirectory(inbox)
        }
        return .done
    }

    private static func sameEntry(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard lstat(a, &sa) == 0, lstat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    private static func moveEntry(from: String, to: String, isDirectory: Bool) throws {
        if !isDirectory {
            // link() refuses to replace an existing name, so this never overwrites.
            if link(from, to) == 0 {
                unlink(from)
                return
            }
            switch errno {
            case EEXIST: throw FileIOError("cannot move \(from): \(to) appeared meanwhile")
            case EXDEV: try copyAcrossDevices(from: from, to: to, isDirectory: false); return
            default: break  // a file system without hard links: fall back to rename below
            }
        }
        switch NoReplaceRename.rename(from, to) {
        case .renamed:
            return
        case .failed(EEXIST), .failed(ENOTEMPTY):
            throw FileIOError("cannot move \(from): \(to) appeared meanwhile")
        case .failed(EXDEV):
            try copyAcrossDevices(from: from, to: to, isDirectory: isDirectory)
            return
        case .failed(let code):
            throw FileIOError("cannot move \(from) to \(to): \(String(cString: strerror(code)))")
        case .unsupported:
            break
        }
        // A file system without RENAME_NOREPLACE: the destination was checked free just before.
        if rename(from, to) == 0 { return }
        if errno == EXDEV {
            try copyAcrossDevices(from: from, to: to, isDirectory: isDirectory)
            return
        }
        throw FileIOError("cannot move \(from) to \(to): \(FileIO.lastError())")
    }

    /// Copies into a temporary name beside the destination, renames it into place, then removes the source.
    private static func copyAcrossDevices(from: String, to: String, isDirectory: Bool) throws {
        let folder = (to as NSString).deletingLastPathComponent
        let temporary = "\(folder)/" + FittedName.fit((to as NSString).lastPathComponent, prefix: ".", suffix: ".copying")
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try FileManager.default.copyItem(atPath: from, toPath: temporary)
            let fd = open(temporary, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
            guard !FileIO.exists(to) else { throw FileIOError("cannot move \(from): \(to) appeared meanwhile") }
            guard rename(temporary, to) == 0 else {
                throw FileIOError("cannot move \(from) to \(to): \(FileIO.lastError())")
            }
            try FileManager.default.removeItem(atPath: from)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

/// `renameat2(…, RENAME_NOREPLACE)`: a rename that fails instead of replacing an existing destination.
///
/// glibc has it since 2.28 but Swift's Glibc module does not import it, so it is looked up by name.
enum NoReplaceRename {
    /// What the attempt came to.
    enum Outcome: Equatable {
        case renamed
        case failed(Int32)
        /// The C library or the file system does not offer it: fall back to a checked plain rename.
        case unsupported
    }

    private typealias Function = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let noReplace: UInt32 = 1  // RENAME_NOREPLACE
    private nonisolated(unsafe) static let function: Function? = dlsym(nil, "renameat2").map {
        unsafeBitCast($0, to: Function.self)
    }

    /// Renames `from` to `to` unless `to` exists.
    static func rename(_ from: String, _ to: String) -> Outcome {
        guard let function else { return .unsupported }
        if function(AT_FDCWD, from, AT_FDCWD, to, noReplace) == 0 { return .renamed }
        let code = errno
        return code == EINVAL || code == ENOSYS || code == ENOTSUP ? .unsupported : .failed(code)
    }
}
