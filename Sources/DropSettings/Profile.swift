import HeyGenAPI
import InboxWatcher

extension Settings {
    /// One watched inbox with its own folders and the defaults of its jobs (an entry of `profiles:` in the
    /// config file, or the profile `default` made of the top-level settings).
    ///
    /// The top-level values of settings a profile may set (`SettingLevel.profile`) are the defaults of every
    /// profile; the profile's own values win. A sidecar's fields win over `videoAgent`'s.
    public struct Profile: Sendable, Equatable {
        /// The name of the profile made of the top-level settings when the config file declares none.
        public static let defaultName = "default"
        /// The name: 1 to 64 of `[A-Za-z0-9_-]`; recorded with each job and in its result.
        public var name: String
        /// Where files and bundles are dropped.
        public var inbox: String
        /// Where results (and what HeyGen made) are written.
        public var outbox: String
        /// Where sources of succeeded jobs are moved (on the inbox's file system).
        public var archive: String
        /// Where sources of failed jobs are moved (on the inbox's file system).
        public var failed: String
        /// The settle window of its inbox.
        public var settle: Duration = SettingsCatalogue.settle.defaultValue
        /// How its inbox is watched (`watch`).
        public var watchMode: WatchMode = SettingsCatalogue.watch.defaultValue
        /// When polling, how often its inbox is listed (`poll_interval_ms`).
        public var pollInterval: Duration = SettingsCatalogue.pollInterval.defaultValue
        /// What HeyGen made is downloaded into its outbox (`download`).
        public var download: DownloadSelection = SettingsCatalogue.download.defaultValue
        /// Video Agent creates plus translation languages started within the spend window; nil: no cap.
        public var maxVideosPerDay: Int?
        /// Video Agent fields under every job of this inbox (`prompt` is a template, see `PromptTemplate`);
        /// with a prompt, a video is made for every drop, sidecar or not.
        public var videoAgent: [String: JSONValue]?
        /// Translation fields under every job of this inbox (`output_languages`, ...).
        public var translate: [String: JSONValue]?
        /// The profile's own texts of other profile-level settings (`watch`, `download`, ...), by key.
        var values: [String: Found] = [:]

        /// A profile with these folders and the catalogue's defaults for the rest.
        public init(name: String, inbox: String, outbox: String, archive: String, failed: String) {
            self.name = name
            self.inbox = inbox
            self.outbox = outbox
            self.archive = archive
            self.failed = failed
        }

        /// The profile's prompt template, when its `video_agent` has a `prompt` (checked at load).
        public var promptTemplate: PromptTemplate? {
            guard let text = videoAgent?["prompt"]?.stringValue else { return nil }
            return try? PromptTemplate(text)
        }

        /// The profile's own value of the profile-level `setting`, else `fallback` (the top-level value).
        /// - Throws: `SettingsError` for a value its parser refuses.
        public func value<Value>(_ setting: Setting<Value>, default fallback: Value) throws(SettingsError) -> Value {
            guard let found = values[setting.spec.key] else { return fallback }
            return try setting.parser.parse(found)
        }

        /// Whether `text` is a usable profile name.
        public static func isValidName(_ text: String) -> Bool {
            !text.isEmpty && text.count <= 64
                && text.unicodeScalars.allSatisfy { scalar in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
                }
        }
    }
}
