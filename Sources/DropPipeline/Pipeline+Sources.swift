import DropSettings
import DropQueue
import Foundation
import InboxWatcher

/// How the pipeline finds a job's source again after its checks: always relative to the inbox descriptor,
/// never following a symlink, and only when it is still the entry the checks read (same identity).
extension Pipeline {
    /// The inbox folder's descriptor for this run (opened once per run, on the thread pool).
    func inboxFolder(_ run: inout JobRun) async throws -> InboxEntry {
        if let inbox = run.inbox { return inbox }
        let path = profile(of: run).inbox
        let inbox = try await BlockingIO.local { try InboxEntry.openFolder(path: path) }
        run.inbox = inbox
        return inbox
    }

    /// The open file `index` of the job, ready to upload: the name must still lead to the entry the checks read,
    /// unchanged (a bundle member is reached through the bundle's descriptor, itself compared with the checked
    /// bundle). Throws `SourceChanged` when it does not (check again), `LocalProblem(.vanished)` when it is gone.
    func openForUpload(_ run: inout JobRun, _ index: Int) async throws -> InboxEntry {
        let name = run.job.sourceName
        let file = run.progress.files[index]
        guard let fileIdentity = file.inspected?.identity, let checked = run.progress.checkedIdentity else {
            // Checked by a version that kept no identities: check again.
            throw SourceChanged()
        }
        let inbox = try await inboxFolder(&run)
        guard run.job.jobKind == .bundle else {
            let cached = run.openFile
            return try await BlockingIO.run { () throws -> InboxEntry in
                guard let now = InboxEntry.status(of: name, in: inbox) else {
                    throw LocalProblem(.vanished, "\(name) was removed from the inbox before it could be uploaded")
                }
                guard now.identity.isUnchanged(comparedWith: fileIdentity) else { throw SourceChanged() }
                if let cached, cached.identity.isUnchanged(comparedWith: fileIdentity) { return cached }
                switch InboxEntry.open(name, in: inbox) {
                case .success(let entry) where entry.type == .regular && entry.identity.isUnchanged(comparedWith: fileIdentity):
                    return entry
                case .failure(.missing):
                    throw LocalProblem(.vanished, "\(name) was removed from the inbox before it could be uploaded")
                default:
                    throw SourceChanged()
                }
            }
        }
        let cached = run.bundle
        let bundle = try await BlockingIO.run { () throws -> InboxEntry in
            guard let now = InboxEntry.status(of: name, in: inbox) else {
                throw LocalProblem(.vanished, "bundle \(name) was removed from the inbox before it could be uploaded")
            }
            guard now.identity.isSameObject(as: checked) else { throw SourceChanged() }
            if let cached, cached.identity.isSameObject(as: checked) { return cached }
            switch InboxEntry.open(name, in: inbox, directory: true) {
            case .success(let bundle) where bundle.identity.isSameObject(as: checked):
                return bundle
            case .failure(.missing):
                throw LocalProblem(.vanished, "bundle \(name) was removed from the inbox before it could be uploaded")
            default:
                throw SourceChanged()
            }
        }
        run.bundle = bundle
        return try await BlockingIO.run { () throws -> InboxEntry in
            switch InboxEntry.open(file.name, in: bundle) {
            case .success(let entry) where entry.type == .regular && entry.identity.isUnchanged(comparedWith: fileIdentity):
                return entry
            default:
                throw SourceChanged()
            }
        }
    }

    /// False when the entry now under the job's name is not the one its checks read, unchanged: replaced,
    /// written, truncated, re-stamped, swapped for a symlink, or (a bundle) with a member added, removed or
    /// changed. An entry that is simply gone counts as unchanged (nothing took its place).
    func sourceUnchanged(_ run: inout JobRun) async throws -> Bool {
        guard run.job.jobKind != .sidecar else { return true }
        let inbox = try await inboxFolder(&run)
        let (name, isBundle, checked, files) = (
            run.job.sourceName, run.job.jobKind == .bundle, run.progress.checkedIdentity, run.progress.files
        )
        return try await BlockingIO.local {
            Self.unchanged(name: name, isBundle: isBundle, checked: checked, files: files, inbox: inbox)
        }
    }

    private static func unchanged(
        name: String, isBundle: Bool, checked: EntryIdentity?, files: [JobProgress.FileProgress], inbox: InboxEntry
    ) -> Bool {
        guard let checked else { return false }
        guard let now = InboxEntry.status(of: name, in: inbox) else { return true }
        guard now.identity.isUnchanged(comparedWith: checked) else { return false }
        guard isBundle else { return true }
        guard case .success(let bundle) = InboxEntry.open(name, in: inbox, directory: true),
            bundle.identity.isSameObject(as: checked),
            let names = try? SourceCheck.memberNames(of: bundle, bundleName: name),
            Set(names) == Set(files.map(\.name))
        else { return false }
        return files.allSatisfy { file in
            guard let identity = file.inspected?.identity, let member = InboxEntry.status(of: file.name, in: bundle) else {
                return false
            }
            return member.identity.isUnchanged(comparedWith: identity)
        }
    }

    /// The identities the move plan gives the job's entries: the main entry's checked identity (nil, so it stays,
    /// when a bundle's members changed after its uploads), and each sidecar's. For a job never checked, what is
    /// there now, if it is a regular file or folder. `mainInPlace` tells whether the main entry is still there
    /// with that identity (it will move).
    func identitiesToMove(_ run: inout JobRun) async throws -> (
        main: EntryIdentity?, mainInPlace: Bool, companions: [(name: String, identity: EntryIdentity?)]
    ) {
        let inbox = try await inboxFolder(&run)
        let name = run.job.sourceName
        let isSidecar = run.job.jobKind == .sidecar
        let checked = run.progress.checkedIdentity
        let sidecars = run.progress.sidecars
        let known = run.progress.sidecarIdentities ?? [:]
        let compareMembers = run.job.jobKind == .bundle && run.progress.checked
        let files = run.progress.files
        return try await BlockingIO.local {
            func current(_ entry: String) -> EntryIdentity? {
                guard let status = InboxEntry.status(of: entry, in: inbox), status.isRegularOrDirectory else { return nil }
                return status.identity
            }
            if isSidecar {
                let identity = current(name)
                return (identity, identity != nil, [])
            }
            var main = checked ?? current(name)
            if compareMembers, !Self.unchanged(name: name, isBundle: true, checked: checked, files: files, inbox: inbox) {
                main = nil
            }
            let companions: [(name: String, identity: EntryIdentity?)] =
                if let sidecars {
                    sidecars.map { ($0, known[$0]) }
                } else {
                    Sidecars.candidateNames(for: name).compactMap { entry in current(entry).map { (entry, $0) } }
                }
            let inPlace = main.map { main in current(name).map { $0.isUnchanged(comparedWith: main) } ?? false } ?? false
            return (main, inPlace, companions)
        }
    }

    /// After a job finished: a regular file or folder under its name (a newcomer, or the checked entry left in
    /// place because it changed) gets a job of its own. One left in place keeps its fingerprint, so it is
    /// queued under a fingerprint of its own, which the recent-duplicate rule does not fold into this job.
    func enqueueLeftover(_ run: inout JobRun, mainLeftInPlace: Bool) async throws {
        guard run.job.jobKind != .sidecar else { return }
        let inbox = try await inboxFolder(&run)
        let (name, path) = (run.job.sourceName, "\(profile(of: run).inbox)/\(run.job.sourceName)")
        let found = try await BlockingIO.local { () -> (EntryIdentity, String)? in
            guard let status = InboxEntry.status(of: name, in: inbox), status.isRegularOrDirectory,
                let fingerprint = sourceFingerprint(path: path)
            else { return nil }
            return (status.identity, fingerprint)
        }
        guard let (identity, found) = found else { return }
        var fingerprint = found
        if mainLeftInPlace { fingerprint += ":after-job-\(run.job.id.rawValue)" }
        let kind: JobKind = identity.isDirectory ? .bundle : .file
        if case .created(let job) = try await queue.enqueue(NewJob(sourceName: name, kind: kind, fingerprint: fingerprint, notBefore: nil, profile: run.job.profile)) {
            run.logger(logger).notice("a new version under this name gets a job of its own", metadata: ["new_job": "\(job.id.rawValue)"])
        }
    }
}
