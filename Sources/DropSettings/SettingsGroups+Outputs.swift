extension Settings {
    /// What HeyGen made that is downloaded into the outbox (`download`, `download_max_bytes`).
    public struct Outputs: Sendable, Equatable {
        /// Which files are downloaded: the video (default), all, or none.
        public var download = SettingsCatalogue.download.defaultValue
        /// The largest file downloaded, in bytes; a larger one fails the job as `download_failed`.
        public var downloadMaxBytes = SettingsCatalogue.downloadMaxBytes.defaultValue

        /// The video only, up to 20 GiB.
        public init() {}

        /// The output settings `reader` (scoped to `outputs`) finds, defaults for the rest.
        init(reader: SettingsReader) throws(SettingsError) {
            download = try reader.value(SettingsCatalogue.download)
            downloadMaxBytes = try reader.value(SettingsCatalogue.downloadMaxBytes)
        }
    }
}
