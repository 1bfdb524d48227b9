extension Settings {
    /// The largest file taken, in bytes (`max_file_bytes`); the API's own `max_bytes` wins when lower.
    public var maxFileBytes: Int {
        get { intake.maxFileBytes }
        set { intake.maxFileBytes = newValue }
    }
    /// Files larger than this many bytes go straight to storage (`direct_upload_above_bytes`).
    public var directUploadAboveBytes: Int {
        get { intake.directUploadAboveBytes }
        set { intake.directUploadAboveBytes = newValue }
    }
}

extension Settings.Defaults {
    /// `max_file_bytes`: 5368709120 (5 GiB).
    public static let maxFileBytes = SettingsCatalogue.maxFileBytes.defaultValue
    /// `direct_upload_above_bytes`: 33554432 (32 MB, the API's multipart limit).
    public static let directUploadAboveBytes = SettingsCatalogue.directUploadAbove.defaultValue
}
