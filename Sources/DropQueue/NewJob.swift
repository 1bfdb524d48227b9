#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A job to enqueue: a source in the inbox.
public struct NewJob: Sendable, Equatable {
    /// The name inside the inbox.
    public var sourceName: String
    /// Opaque to the queue: "file", "bundle", "sidecar", ...
    public var kind: String
    /// Opaque identity of the source; a finished job with the same name and fingerprint is not redone.
    public var fingerprint: String?
    /// When it becomes due; nil means at once.
    public var notBefore: Date?
    /// The profile (watched inbox) it was dropped in.
    public var profile: String

    /// Describes a job to enqueue.
    public init(
        sourceName: String, kind: String, fingerprint: String? = nil, notBefore: Date? = nil,
        profile: String = JobQueue.defaultProfile
    ) {
        self.profile = profile
        self.sourceName = sourceName
        self.kind = kind
        self.fingerprint = fingerprint
        self.notBefore = notBefore
    }
}
