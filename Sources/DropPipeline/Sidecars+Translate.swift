import Foundation
import HeyGenAPI
import InboxWatcher

extension Sidecars {
    /// The largest `.translate.json` read: 64 KiB.
    static let maxTranslateJSONBytes = 64 * 1024

    /// The translation the `.translate.json` among `beside` asks for, nil when there is none. It is an
    /// `invalid_sidecar` when a prompt sidecar is there too (a file has at most one workflow), when the file
    /// (of type `mediaType`) is not a video, or when it cannot be read as a translation request (see
    /// `TranslationRequestSpec.fromJSON`). Reads through the sidecar's descriptor, up to its bound only.
    static func translation(
        beside: [InboxEntry], name: String, wantsVideo: Bool, mediaType: MediaType?
    ) throws -> TranslationRequestSpec? {
        guard let sidecar = beside.first(where: { $0.name.hasSuffix(SidecarKind.translateJSON.suffix) }) else { return nil }
        let label = sidecar.name
        if wantsVideo {
            throw LocalProblem(
                .invalidSidecar,
                "\(label) and a prompt sidecar are both beside \(name); a file has one workflow: remove one of them")
        }
        if let mediaType, mediaType != .mp4, mediaType != .webm {
            throw LocalProblem(.invalidSidecar, "\(label): \(name) is not a video (\(mediaType.mimeType)); only videos are translated")
        }
        let limit = maxTranslateJSONBytes
        let tooLarge = "\(label) is larger than \(limit) bytes (64 KiB), the most a translate.json may hold"
        if sidecar.identity.size > Int64(limit) { throw LocalProblem(.invalidSidecar, tooLarge) }
        let content: Data?
        do {
            content = try sidecar.readBounded(limit: limit)
        } catch {
            throw LocalProblem(.invalidSidecar, "cannot read \(label)")
        }
        guard let data = content else { throw LocalProblem(.invalidSidecar, tooLarge) }
        return try TranslationRequestSpec.fromJSON(data, label: label)
    }

    /// Refuses a `.translate.json` beside a bundle: a bundle makes one Video Agent video; translations are of
    /// single video files.
    static func refuseTranslation(beside: [InboxEntry], bundle name: String) throws {
        if let sidecar = beside.first(where: { $0.name.hasSuffix(SidecarKind.translateJSON.suffix) }) {
            throw LocalProblem(
                .invalidSidecar, "\(sidecar.name): \(name) is a bundle; only a single video file can be translated")
        }
    }
}
