import DropSettings
import Foundation
import InboxWatcher
import Logging
#if canImport(Glibc)
import Glibc
#endif

extension Pipeline {
    /// Ends a job for an entry whose name is not valid UTF-8: it fails as `rejected`, its result is named
    /// after the name's rendering (`NameRendering`), and the entry moves to failed/ under that rendering.
    ///
    /// The entry is reached only by its raw bytes (`renameat` between descriptors of the inbox and failed/),
    /// never through a lossy string. Safe to repeat after a crash: the decided outcome is saved first, and an
    /// entry already gone from the inbox while its destination exists counts as moved.
    func failUnreadableName(_ run: inout JobRun) async throws {
        try Task.checkCancellation()
        let rendering = run.job.sourceName
        let raw = NameRendering.bytes(of: rendering)
        if run.progress.finish == nil {
            let kind: JobResult.Source.Kind = Self.isDirectory(raw, in: profile(of: run).inbox) ? .bundle : .file
            let target = SourceMover.plan(main: rendering, identity: nil, companions: [], inbox: profile(of: run).inbox, to: profile(of: run).failed)[0]
            let targetName = (target.to as NSString).lastPathComponent
            let result = JobResult(
                jobID: "\(run.job.id.rawValue)", status: .failed,
                source: .init(name: rendering, kind: kind, movedTo: target.to),
                assets: [], videoAgent: nil,
                error: .init(
                    code: .rejected,
                    message: "the name \(rendering) is not valid UTF-8 (each invalid byte is shown as \\xHH); "
                        + "moved to failed/ as \(targetName)"),
                attempts: run.attempts, createdAt: run.job.createdAt, finishedAt: Date())
            var decided = result
            decided.profile = run.job.profile
            run.progress.finish = .init(result: decided, moves: [target])
            try await save(&run, stage: .finishing)
        }
        guard var plan = run.progress.finish, let move = plan.moves.first else { return }
        let targetName = (move.to as NSString).lastPathComponent
        switch try Self.renameRaw(raw, from: profile(of: run).inbox, to: profile(of: run).failed, as: targetName) {
        case .moved, .alreadyMoved:
            break
        case .gone:
            plan.result.source.movedTo = nil
        }
        try resultWriter(for: run).write(plan.result)
        heartbeat.beat()
        try await queue.finish(
            run.job.id, token: run.token, as: .failed, stage: nil, progress: run.progress.encoded(),
            attempts: run.attempts, lastError: plan.result.error.map { "\($0.code.rawValue): \($0.message)" })
        run.logger(logger).warning(
            "job finished: \(plan.result.error?.message ?? "")", metadata: ["status": "failed", "error": "rejected"])
    }

    /// True when the entry named by the raw bytes `raw` in `folder` is a directory (never following a symlink).
    static func isDirectory(_ raw: [UInt8], in folder: String) -> Bool {
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else { return false }
        defer { close(directory) }
        var info = stat()
        let rawZ = (raw + [0]).map { CChar(bitPattern: $0) }
        return fstatat(directory, rawZ, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    enum RawMove { case moved, alreadyMoved, gone }

    /// Renames the entry named by the raw bytes `raw` in `from` to `name` in `to` (both opened with
    /// O_DIRECTORY|O_NOFOLLOW), never replacing an entry already there.
    static func renameRaw(_ raw: [UInt8], from: String, to: String, as name: String) throws -> RawMove {
        let source = open(from, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard source >= 0 else { throw FileIOError("cannot open \(from): \(FileIO.lastError())") }
        defer { close(source) }
        let destination = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard destination >= 0 else { throw FileIOError("cannot open \(to): \(FileIO.lastError())") }
        defer { close(destination) }
        var info = stat()
        let targetExists = fstatat(destination, name, &info, AT_SYMLINK_NOFOLLOW) == 0
        let rawZ = (raw + [0]).map { CChar(bitPattern: $0) }
        let sourceExists = fstatat(source, rawZ, &info, AT_SYMLINK_NOFOLLOW) == 0
        if !sourceExists { return targetExists ? .alreadyMoved : .gone }
        if targetExists {
            throw FileIOError("cannot move \(NameRendering.render(raw)) to \(to)/\(name): the name is taken")
        }
        guard renameat(source, rawZ, destination, name) == 0 else {
            let reason = FileIO.lastError()
            if errno == ENOENT { return .gone }
            throw FileIOError("cannot move \(NameRendering.render(raw)) to \(to)/\(name): \(reason)")
        }
        fsync(destination)
        fsync(source)
        return .moved
    }
}
