import DropSettings
import Foundation
import HeyGenAPI

/// A profile's Video Agent defaults under a job's own request: the sidecar's fields win over the profile's,
/// and a profile with a prompt template makes a video for every drop, sidecar or not.
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
}
