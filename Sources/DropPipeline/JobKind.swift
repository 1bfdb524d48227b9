import DropQueue
import Foundation

/// The kinds of job the daemon puts in the queue. The raw values are the `kind` stored in the queue and shown
/// by `jobs`.
package enum JobKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// A dropped regular file.
    case file
    /// A dropped directory.
    case bundle
    /// A sidecar waiting for its file; fails with `orphan_sidecar` when the file never comes.
    case sidecar
    /// An entry whose name is not valid UTF-8; its source name is the name's `NameRendering`. It fails as
    /// `rejected` and moves to failed/.
    case unreadableName = "unreadable_name"

    /// The stored name.
    package var description: String { rawValue }
}

extension Job {
    /// The job's kind; nil for a kind this version does not know.
    package var jobKind: JobKind? { JobKind(rawValue: kind) }
}

extension NewJob {
    /// Describes a job of a known kind to enqueue, dropped in the inbox of `profile`.
    package init(
        sourceName: String, kind: JobKind, fingerprint: String? = nil, notBefore: Date? = nil,
        profile: String = JobQueue.defaultProfile
    ) {
        self.init(
            sourceName: sourceName, kind: kind.rawValue, fingerprint: fingerprint, notBefore: notBefore, profile: profile)
    }
}
