import InboxWatcher
import Logging

/// The local checks of one job's source, done through descriptors: the file (or the bundle and each of its
/// members) and its sidecars are each opened once relative to their folder's descriptor, typed and sized by
/// `fstat`, and read through that descriptor only.
///
/// What was opened is kept even when a check fails, so that a failed job still moves exactly the entries it
/// examined (and nothing that took their names later). Blocks: run `SourceCheck.run` through `BlockingIO`.
struct SourceCheck: Sendable {
    /// The file or bundle, opened (nil when it could not be, or was neither a regular file nor a folder).
    var main: InboxEntry?
    /// The sidecars beside it, opened; they move with it.
    var sidecars: [InboxEntry] = []
    /// What the checks learned of each file to upload, in order.
    var files: [InspectedFile] = []
    /// The video request of the sidecars, if any.
    var video: VideoRequestSpec?
    /// The translation request of a `.translate.json` sidecar, if any.
    var translation: TranslationRequestSpec?
    /// Why the job cannot go on: a `LocalProblem`, or `SourceChanged` when a file changed while it was read.
    var problem: (any Error & Sendable)?

    /// Checks the file (or, with `isBundle`, the bundle) `name` in `inbox`.
    /// A bundle with more than `maxBundleFiles` files is `rejected` before any is read, a file over `maxFileBytes`
    /// is `too_large`; `onStep` is called for each file read (a sign of life for the watchdog).
    static func run(
        name: String, isBundle: Bool, inbox: InboxEntry, maxVideoFiles: Int, maxBundleFiles: Int,
        maxFileBytes: Int64 = FileInspector.defaultMaxFileBytes, logger: Logger, onStep: @Sendable () -> Void = {}
    ) -> SourceCheck {
        var check = SourceCheck()
        do {
            if isBundle {
                try check.bundle(
                    name, inbox: inbox, maxVideoFiles: maxVideoFiles, maxBundleFiles: maxBundleFiles,
                    maxFileBytes: maxFileBytes, logger: logger, onStep: onStep)
            } else {
                let entry = try FileInspector.open(name, in: inbox, label: name)
                check.main = entry
                check.sidecars = try Sidecars.openBeside(for: name, inbox: inbox)
                check.video = try Sidecars.request(bundle: nil, bundleName: name, beside: check.sidecars)
                check.files = [try FileInspector.inspect(entry, name: name, maxFileBytes: maxFileBytes)]
                check.translation = try Sidecars.translation(
                    beside: check.sidecars, name: name, wantsVideo: check.video != nil, mediaType: check.files.first?.mediaType)
            }
        } catch let problem as LocalProblem {
            check.problem = problem
        } catch let changed as SourceChanged {
            check.problem = changed
        } catch {
            check.problem = LocalProblem(.unreadable, "cannot check \(name): \(error)")
        }
        return check
    }

    private mutating func bundle(
        _ name: String, inbox: InboxEntry, maxVideoFiles: Int, maxBundleFiles: Int, maxFileBytes: Int64, logger: Logger,
        onStep: @Sendable () -> Void
    ) throws {
        let bundle: InboxEntry
        switch InboxEntry.open(name, in: inbox, directory: true) {
        case .success(let entry):
            bundle = entry
        case .failure(.missing):
            throw LocalProblem(.vanished, "bundle \(name) was removed from the inbox before it could be uploaded")
        case .failure(.symlink):
            throw LocalProblem(.unsupportedType, "bundle \(name) is now a symlink; symlinks are never followed")
        case .failure(.wrongType):
            throw LocalProblem(.unsupportedType, "bundle \(name) is no longer a folder")
        case .failure(let failure):
            throw FileInspector.problem(failure, label: "bundle \(name)")
        }
        main = bundle
        sidecars = try Sidecars.openBeside(for: name, inbox: inbox)
        try Sidecars.refuseTranslation(beside: sidecars, bundle: name)
        let names = try Self.memberNames(of: bundle, bundleName: name)
        if names.isEmpty {
            throw LocalProblem(.emptyFile, "bundle \(name) holds no files to upload")
        }
        if names.count > maxBundleFiles {
            throw LocalProblem(.rejected, "bundle \(name) holds \(names.count) files; at most \(maxBundleFiles) are accepted")
        }
        video = try Sidecars.request(bundle: bundle, bundleName: name, beside: sidecars)
        if video != nil, names.count > maxVideoFiles {
            throw LocalProblem(
                .invalidSidecar, "bundle \(name) holds \(names.count) files; a video can be made from at most \(maxVideoFiles)")
        }
        for member in names {
            onStep()
            do {
                switch InboxEntry.open(member, in: bundle) {
                case .success(let entry) where entry.type == .regular:
                    files.append(try FileInspector.inspect(entry, name: member, maxFileBytes: maxFileBytes))
                case .success, .failure(.symlink), .failure(.wrongType):
                    logger.debug("bundle entry left alone", metadata: ["file": "\(name)/\(member)"])
                case .failure(.missing):
                    throw SourceChanged()
                case .failure(let failure):
                    throw FileInspector.problem(failure, label: member)
                }
            } catch var problem as LocalProblem {
                problem.message = "bundle \(name): \(problem.message)"
                throw problem
            }
        }
        if files.isEmpty {
            throw LocalProblem(.emptyFile, "bundle \(name) holds no files to upload")
        }
    }

    /// The names of the regular files a bundle uploads (sidecars and ignored names left out), sorted, listed
    /// and typed through the bundle's descriptor.
    static func memberNames(of bundle: InboxEntry, bundleName: String) throws -> [String] {
        let entries: [String]
        do {
            entries = try bundle.memberNames()
        } catch {
            throw LocalProblem(.unreadable, "cannot read bundle \(bundleName): \(error)")
        }
        return entries.sorted().filter { entry in
            guard !Sidecars.bundleFiles.contains(entry), !DropRules.isIgnoredName(entry) else { return false }
            guard let status = InboxEntry.status(of: entry, in: bundle) else { return false }
            return status.isRegularOrDirectory && !status.identity.isDirectory
        }
    }
}
