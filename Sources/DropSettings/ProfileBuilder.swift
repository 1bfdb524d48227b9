import Foundation
import HeyGenAPI

/// Turns what the config file declares (`ConfigFileProfiles`) into `Settings.profiles`, checking each one:
/// folders (an inbox, and beside an inbox named `inbox`, default `outbox`, `archive` and `failed`), values,
/// and the prompt template. With `profiles:`, folder settings at the top level are refused: the folders come
/// from the profiles alone.
enum ProfileBuilder {
    /// The folder settings a profile has, in order.
    static let folderSettings = [
        SettingsCatalogue.inbox, SettingsCatalogue.outbox, SettingsCatalogue.archive, SettingsCatalogue.failed,
    ]

    /// Sets `settings`' declared profiles and top-level defaults from `extras`; `reader` (unscoped) tells
    /// whether a folder is also set at the top level.
    /// - Throws: `SettingsError`, one line naming the profile and the key at fault.
    static func apply(_ extras: ConfigFileProfiles, to settings: inout Settings, reader: SettingsReader) throws(SettingsError) {
        settings.videoAgentDefaults = try checkedVideoAgent(extras.videoAgent, profile: nil)
        settings.translateDefaults = extras.translate
        guard !extras.profiles.isEmpty else { return }
        let folders = reader.scoped(to: .folders)
        for setting in folderSettings {
            if let found = try folders.found(setting.spec) {
                throw .profile(
                    nil, key: setting.spec.key,
                    "with profiles, the folders come from the profiles alone; remove \(setting.spec.key) (from \(found.origin))")
            }
        }
        settings.declaredProfiles = try extras.profiles.keys.sorted().map { name throws(SettingsError) in
            try profile(extras.profiles[name]!, defaults: settings)
        }
    }

    /// One profile from its entry, over the top-level `defaults`.
    private static func profile(_ entry: ConfigFileProfiles.Entry, defaults: Settings) throws(SettingsError) -> Settings.Profile {
        let name = entry.name
        guard let inboxFound = entry.values[SettingsCatalogue.inbox.spec.key] else {
            throw .profile(name, key: "inbox", "inbox is required")
        }
        let inbox = try SettingsCatalogue.inbox.parser.parse(inboxFound)
        let parent = inbox.split(separator: "/").dropLast().joined(separator: "/")
        let besideInbox = inbox.split(separator: "/").last == "inbox"
        var paths: [String] = []
        for setting in folderSettings.dropFirst() {
            if let found = entry.values[setting.spec.key] {
                paths.append(try setting.parser.parse(found))
            } else if besideInbox {
                paths.append("/" + (parent.isEmpty ? "" : parent + "/") + setting.spec.key)
            } else {
                throw .profile(
                    name, key: setting.spec.key,
                    "\(setting.spec.key) is required: the inbox \(inbox) is not named inbox, so there is no default beside it")
            }
        }
        var profile = Settings.Profile(name: name, inbox: inbox, outbox: paths[0], archive: paths[1], failed: paths[2])
        profile.values = entry.values
        profile.settle = try profile.value(SettingsCatalogue.settle, default: defaults.settle)
        profile.watchMode = try profile.value(SettingsCatalogue.watch, default: defaults.watchMode)
        profile.pollInterval = try profile.value(SettingsCatalogue.pollInterval, default: defaults.pollInterval)
        profile.maxVideosPerDay = try profile.value(SettingsCatalogue.maxVideosPerDay, default: defaults.spend.maxVideosPerDay)
        profile.download = try profile.value(SettingsCatalogue.download, default: defaults.outputs.download)
        profile.videoAgent = try checkedVideoAgent(merged(defaults.videoAgentDefaults, entry.videoAgent), profile: name)
        profile.translate = merged(defaults.translateDefaults, entry.translate)
        return profile
    }

    /// `top`'s fields with `own`'s over them; nil when both are.
    private static func merged(_ top: [String: JSONValue]?, _ own: [String: JSONValue]?) -> [String: JSONValue]? {
        guard let top else { return own }
        return top.merging(own ?? [:]) { _, own in own }
    }

    /// `fields` when its prompt is a usable template and it leaves `files` to the daemon.
    private static func checkedVideoAgent(
        _ fields: [String: JSONValue]?, profile: String?
    ) throws(SettingsError) -> [String: JSONValue]? {
        guard let fields else { return nil }
        let name = profile ?? Settings.Profile.defaultName
        if fields["files"] != nil {
            throw .profile(name, key: "video_agent", "video_agent.files is not allowed: the daemon sends the files it uploaded")
        }
        if fields["callback_id"] != nil {
            throw .profile(
                name, key: "video_agent",
                "video_agent.callback_id would be shared by every job: give it in a job's agent.json, or leave it to the daemon")
        }
        if let prompt = fields["prompt"] {
            guard let text = prompt.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .profile(name, key: "video_agent", "video_agent.prompt must be a non-empty text")
            }
            do {
                _ = try PromptTemplate(text)
            } catch {
                throw .profile(name, key: "video_agent", "video_agent.prompt: \(error)")
            }
        }
        return fields
    }
}
