import DropSettings
import Foundation
import HeyGenAPI

/// A profile's Video Agent and translation defaults under a job's own request: the sidecar's fields win over
/// the profile's; a profile with a prompt template makes a video for every drop, sidecar or not, and one with
/// `translate.output_languages` translates every video dropped alone. A file has one workflow: a sidecar's
/// choice wins over the profile's, and the profile's prompt over its translation.
enum ProfileDefaults {
    /// The video request of the drop `name` in `profile`, given the request its sidecars make (nil: none).
    /// Nil when neither the sidecars nor the profile give a prompt. `fileCount` files go with the video: more
    /// than `maxVideoFiles` is refused as `rejected` (a sidecar asking for it was refused by the checks already).
    /// - Throws: `LocalProblem` when the prompt the template makes is longer than the API allows.
    static func video(
        sidecar: VideoRequestSpec?, profile: Settings.Profile, name: String, fileCount: Int, maxVideoFiles: Int
    ) throws -> VideoRequestSpec? {
        var fields = profile.videoAgent ?? [:]
        let template = profile.promptTemplate
        fields["prompt"] = nil
        if let sidecar {
            return VideoRequestSpec(prompt: sidecar.prompt, extraFields: fields.merging(sidecar.extraFields) { _, own in own })
        }
        guard let template else { return nil }
        let prompt = template.render(name: name, profile: profile.name).trimmingCharacters(in: .whitespacesAndNewlines)
        let length = prompt.unicodeScalars.count
        if prompt.isEmpty || length > VideoRequestSpec.maxPromptCharacters {
            throw LocalProblem(
                .rejected,
                "the prompt of profile \(profile.name) for \(name) has \(length) characters; it must have 1 to "
                    + "\(VideoRequestSpec.maxPromptCharacters)")
        }
        if fileCount > maxVideoFiles {
            throw LocalProblem(
                .rejected, "bundle \(name) holds \(fileCount) files; a video can be made from at most \(maxVideoFiles)")
        }
        return VideoRequestSpec(prompt: prompt, extraFields: fields)
    }

    /// The translation request of the drop `name` in `profile`, given the request its `.translate.json` makes
    /// (nil: none). The sidecar's fields win over the profile's `translate:` fields. Without a sidecar, a single
    /// video (`mediaType` mp4 or webm) with no video request (`video` nil) is translated into the profile's
    /// `output_languages`; anything else is nil.
    /// - Throws: `LocalProblem` (`invalid_sidecar`) when the profile's `translate:` fields are not a valid request.
    static func translation(
        sidecar: TranslationRequestSpec?, profile: Settings.Profile, name: String, mediaType: MediaType?,
        video: VideoRequestSpec?
    ) throws -> TranslationRequestSpec? {
        var fields = profile.translate ?? [:]
        if var sidecar {
            fields["output_languages"] = nil
            fields["video"] = nil
            sidecar.extraFields = fields.merging(sidecar.extraFields) { _, own in own }
            return sidecar
        }
        guard video == nil, fields["output_languages"] != nil, mediaType == .mp4 || mediaType == .webm else { return nil }
        let data = try JSONEncoder().encode(JSONValue.object(fields))
        return try TranslationRequestSpec.fromJSON(data, label: "the translate: fields of profile \(profile.name)")
    }
}
