import Foundation

extension SettingParser where Value == DownloadSelection {
    /// `video`, `all` or `none`, ignoring case and surrounding blanks.
    static var downloadSelection: Self {
        Self(
            parse: { found throws(SettingsError) in
                guard let selection = DownloadSelection(rawValue: found.value.trimmingCharacters(in: .whitespaces).lowercased())
                else {
                    throw .invalidValue(
                        key: found.key, value: found.value, origin: found.origin, requirement: "must be video, all or none")
                }
                return selection
            },
            format: { $0.rawValue })
    }
}
