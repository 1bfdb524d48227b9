import ArgumentParser
import DropSettings

/// The settings flags of the inbox watcher (`--watch`, `--poll-interval-ms`), taken by the commands that
/// watch an inbox (`run`, `demo`, `check`); `status` has a `--watch` flag of its own.
struct WatcherOptions: ParsableArguments, CatalogueOptions {
    @Option(name: SettingsCatalogue.watch.spec.optionName, help: SettingsCatalogue.watch.spec.optionHelp)
    var watch: String?

    @Option(name: SettingsCatalogue.pollInterval.spec.optionName, help: SettingsCatalogue.pollInterval.spec.optionHelp)
    var pollIntervalMs: String?

    /// Each option with its catalogue entry.
    static var fields: [(spec: SettingSpec, value: KeyPath<WatcherOptions, String?>)] {
        [
            (SettingsCatalogue.watch.spec, \.watch),
            (SettingsCatalogue.pollInterval.spec, \.pollIntervalMs),
        ]
    }
}
