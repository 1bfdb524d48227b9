import Foundation
import HeyGenAPI
import TestSupport
import Testing

@testable import DropPipeline
@testable import DropSettings

/// `profiles:` in the config file: folders, defaults, templates, and what is refused.
@Suite(.timeLimit(.minutes(5))) struct SettingsProfileTests {
    @Test func withoutProfilesTheTopLevelIsTheProfileDefault() async throws {
        let settings = try await loadSettings(flags: ["inbox": "/q/inbox", "max_videos_per_day": "3"])
        #expect(settings.declaredProfiles == nil)
        let profile = try #require(settings.profiles.first)
        #expect(settings.profiles.count == 1)
        #expect(profile.name == "default")
        #expect(profile.inbox == "/q/inbox")
        #expect(profile.outbox == Settings.Defaults.outbox)
        #expect(profile.maxVideosPerDay == 3)
        #expect(profile.videoAgent == nil)
    }

    @Test func profilesWithSiblingsTopLevelDefaultsAndTheirOwnValues() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.file("config.yaml")
            try writeFile(
                file,
                """
                max_videos_per_day: 10
                settle_ms: 300
                video_agent:
                  avatar_id: top
                  voice_id: top_voice
                profiles:
                  explainers:
                    inbox: /srv/explainers/inbox
                    settle_ms: 50
                    video_agent:
                      prompt: "About {stem}"
                      avatar_id: own
                      speed: 1.5
                      nested:
                        deep: yes
                  dubbing:
                    inbox: /mnt/dub/drop
                    outbox: /srv/dub/out
                    archive: /mnt/dub/archive
                    failed: /mnt/dub/failed
                    max_videos_per_day: 2
                    translate:
                      output_languages: ["Spanish (Spain)", "German"]
                """)
            let settings = try await loadSettings(flags: ["config": file])
            let profiles = try #require(settings.declaredProfiles)
            #expect(profiles.map(\.name) == ["dubbing", "explainers"])
            let explainers = profiles[1]
            #expect(explainers.outbox == "/srv/explainers/outbox")
            #expect(explainers.archive == "/srv/explainers/archive")
            #expect(explainers.failed == "/srv/explainers/failed")
            #expect(explainers.settle == .milliseconds(50))
            #expect(explainers.maxVideosPerDay == 10)
            #expect(explainers.videoAgent?["avatar_id"] == .string("own"))
            #expect(explainers.videoAgent?["voice_id"] == .string("top_voice"))
            #expect(explainers.videoAgent?["speed"] == .number(1.5))
            #expect(explainers.videoAgent?["nested"] == .object(["deep": .string("yes")]))
            #expect(explainers.promptTemplate?.render(name: "q3.report.pdf", profile: "explainers") == "About q3.report")
            let dubbing = profiles[0]
            #expect(dubbing.outbox == "/srv/dub/out")
            #expect(dubbing.settle == .milliseconds(300))
            #expect(dubbing.maxVideosPerDay == 2)
            #expect(dubbing.translate?["output_languages"] == .array([.string("Spanish (Spain)"), .string("German")]))
            #expect(settings.profiles == profiles)
        }
    }

    @Test func videoAgentFieldsAJobMustOwnAreRefused() async throws {
        try await withTemporaryDirectory { dir in
            for field in ["files: x", "callback_id: shared"] {
                let file = dir.file("config.yaml")
                try writeFile(file, "profiles:\n  p:\n    inbox: /srv/p/inbox\n    video_agent:\n      \(field)\n")
                let error = try await settingsError { try await loadSettings(flags: ["config": file]) }
                #expect(error.description.hasPrefix("profile p: video_agent."), "\(error)")
            }
        }
    }

    @Test func templates() throws {
        let template = try PromptTemplate("{name} / {stem} / {profile} / {not a word} / {")
        #expect(template.render(name: "a.b.mp4", profile: "p") == "a.b.mp4 / a.b / p / {not a word} / {")
        #expect(PromptTemplate.stem(of: ".hidden") == ".hidden")
        #expect(PromptTemplate.stem(of: "launch") == "launch")
        #expect(throws: PromptTemplate.Unknown(placeholder: "title")) { try PromptTemplate("About {title}") }
    }

    @Test func aSidecarWinsOverTheProfile() throws {
        var profile = Settings.Profile(name: "p", inbox: "/i", outbox: "/o", archive: "/a", failed: "/f")
        profile.videoAgent = ["prompt": .string("Video of {name}"), "avatar_id": .string("pa"), "orientation": .string("portrait")]
        let none = try ProfileDefaults.video(sidecar: nil, profile: profile, name: "x.pdf", fileCount: 1, maxVideoFiles: 20)
        #expect(none == VideoRequestSpec(prompt: "Video of x.pdf", extraFields: ["avatar_id": .string("pa"), "orientation": .string("portrait")]))
        let sidecar = VideoRequestSpec(prompt: "Mine", extraFields: ["orientation": .string("landscape")])
        let merged = try ProfileDefaults.video(sidecar: sidecar, profile: profile, name: "x.pdf", fileCount: 1, maxVideoFiles: 20)
        #expect(merged == VideoRequestSpec(prompt: "Mine", extraFields: ["avatar_id": .string("pa"), "orientation": .string("landscape")]))
        profile.videoAgent = ["avatar_id": .string("pa")]
        #expect(try ProfileDefaults.video(sidecar: nil, profile: profile, name: "x.pdf", fileCount: 1, maxVideoFiles: 20) == nil)
    }

    @Test func aProfileTranslatesLoneVideosAndASidecarWins() throws {
        var profile = Settings.Profile(name: "dub", inbox: "/i", outbox: "/o", archive: "/a", failed: "/f")
        profile.translate = ["output_languages": .array([.string("German"), .string("French")]), "mode": .string("fast")]
        let languages = ["German", "French"]
        // A lone video with no sidecar: the profile's languages and fields.
        let lone = try ProfileDefaults.translation(sidecar: nil, profile: profile, name: "a.mp4", mediaType: .mp4, video: nil)
        #expect(lone == TranslationRequestSpec(outputLanguages: languages, extraFields: ["mode": .string("fast")]))
        // Not a video, or a video request (its sidecar or the profile's prompt): no translation.
        #expect(try ProfileDefaults.translation(sidecar: nil, profile: profile, name: "a.pdf", mediaType: .pdf, video: nil) == nil)
        let video = VideoRequestSpec(prompt: "p")
        #expect(try ProfileDefaults.translation(sidecar: nil, profile: profile, name: "a.mp4", mediaType: .mp4, video: video) == nil)
        // A sidecar's languages and fields win; the profile's other fields stay under them.
        let sidecar = TranslationRequestSpec(outputLanguages: ["Japanese"], extraFields: ["title": .string("T")])
        let merged = try ProfileDefaults.translation(sidecar: sidecar, profile: profile, name: "a.mp4", mediaType: .mp4, video: nil)
        #expect(merged == TranslationRequestSpec(outputLanguages: ["Japanese"], extraFields: ["mode": .string("fast"), "title": .string("T")]))
        // A profile with no languages translates nothing without a sidecar; bad languages are refused clearly.
        profile.translate = ["mode": .string("fast")]
        #expect(try ProfileDefaults.translation(sidecar: nil, profile: profile, name: "a.mp4", mediaType: .mp4, video: nil) == nil)
        profile.translate = ["output_languages": .array([])]
        #expect(throws: LocalProblem.self) {
            try ProfileDefaults.translation(sidecar: nil, profile: profile, name: "a.mp4", mediaType: .mp4, video: nil)
        }
    }
}
