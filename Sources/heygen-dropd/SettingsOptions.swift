import ArgumentParser
import DropLogging
import DropOperator
import DropPipeline
import DropService
import DropSettings

/// The settings flags every subcommand accepts, one per entry of `SettingsCatalogue` but the watcher's
/// (`WatcherOptions`, taken only by the commands that watch an inbox, since `status --watch` is a flag of
/// its own): each flag's
/// name, value name and help come from its entry. All values are plain strings: `SettingsLoader`
/// validates them, so a bad value gets the same one-line error whether it came from a flag, the
/// environment or the config file. (Argument parser options must be stored properties, so each
/// entry has one here, paired with its entry in `fields`; a test checks they match the catalogue.)
struct SettingsOptions: ParsableArguments, CatalogueOptions {
    @Option(name: SettingsCatalogue.inbox.spec.optionName, help: SettingsCatalogue.inbox.spec.optionHelp)
    var inbox: String?

    @Option(name: SettingsCatalogue.outbox.spec.optionName, help: SettingsCatalogue.outbox.spec.optionHelp)
    var outbox: String?

    @Option(name: SettingsCatalogue.archive.spec.optionName, help: SettingsCatalogue.archive.spec.optionHelp)
    var archive: String?

    @Option(name: SettingsCatalogue.failed.spec.optionName, help: SettingsCatalogue.failed.spec.optionHelp)
    var failed: String?

    @Option(name: SettingsCatalogue.stateDir.spec.optionName, help: SettingsCatalogue.stateDir.spec.optionHelp)
    var stateDir: String?

    @Option(name: SettingsCatalogue.apiBaseURL.spec.optionName, help: SettingsCatalogue.apiBaseURL.spec.optionHelp)
    var apiBaseURL: String?

    @Option(name: SettingsCatalogue.apiKeyFile.spec.optionName, help: SettingsCatalogue.apiKeyFile.spec.optionHelp)
    var apiKeyFile: String?

    @Option(name: SettingsCatalogue.workers.spec.optionName, help: SettingsCatalogue.workers.spec.optionHelp)
    var workers: String?

    @Option(name: SettingsCatalogue.queueURL.spec.optionName, help: SettingsCatalogue.queueURL.spec.optionHelp)
    var queueURL: String?

    @Option(
        name: SettingsCatalogue.queuePasswordFile.spec.optionName, help: SettingsCatalogue.queuePasswordFile.spec.optionHelp)
    var queuePasswordFile: String?

    @Option(name: SettingsCatalogue.maxAttempts.spec.optionName, help: SettingsCatalogue.maxAttempts.spec.optionHelp)
    var maxAttempts: String?

    @Option(name: SettingsCatalogue.settle.spec.optionName, help: SettingsCatalogue.settle.spec.optionHelp)
    var settleMs: String?

    @Option(name: SettingsCatalogue.logFormat.spec.optionName, help: SettingsCatalogue.logFormat.spec.optionHelp)
    var logFormat: String?

    @Option(name: SettingsCatalogue.logLevel.spec.optionName, help: SettingsCatalogue.logLevel.spec.optionHelp)
    var logLevel: String?

    @Option(name: SettingsCatalogue.config.spec.optionName, help: SettingsCatalogue.config.spec.optionHelp)
    var config: String?

    @Option(name: SettingsCatalogue.httpListen.spec.optionName, help: SettingsCatalogue.httpListen.spec.optionHelp)
    var httpListen: String?

    @Option(name: SettingsCatalogue.minFreeDisk.spec.optionName, help: SettingsCatalogue.minFreeDisk.spec.optionHelp)
    var minFreeDiskMb: String?

    @Option(name: SettingsCatalogue.videoConcurrency.spec.optionName, help: SettingsCatalogue.videoConcurrency.spec.optionHelp)
    var videoConcurrency: String?

    @Option(name: SettingsCatalogue.videoTimeout.spec.optionName, help: SettingsCatalogue.videoTimeout.spec.optionHelp)
    var videoTimeoutMinutes: String?

    @Option(name: SettingsCatalogue.orphanSidecarTimeout.spec.optionName, help: SettingsCatalogue.orphanSidecarTimeout.spec.optionHelp)
    var orphanSidecarTimeoutMinutes: String?

    @Option(name: SettingsCatalogue.assetReuse.spec.optionName, help: SettingsCatalogue.assetReuse.spec.optionHelp)
    var assetReuseHours: String?

    @Option(name: SettingsCatalogue.shutdownGrace.spec.optionName, help: SettingsCatalogue.shutdownGrace.spec.optionHelp)
    var shutdownGraceSeconds: String?

    @Option(name: SettingsCatalogue.videoPollInitial.spec.optionName, help: SettingsCatalogue.videoPollInitial.spec.optionHelp)
    var videoPollInitialMs: String?

    @Option(name: SettingsCatalogue.videoPollMax.spec.optionName, help: SettingsCatalogue.videoPollMax.spec.optionHelp)
    var videoPollMaxMs: String?

    @Option(name: SettingsCatalogue.retryBaseDelay.spec.optionName, help: SettingsCatalogue.retryBaseDelay.spec.optionHelp)
    var retryBaseDelayMs: String?

    @Option(name: SettingsCatalogue.maxRetryAfter.spec.optionName, help: SettingsCatalogue.maxRetryAfter.spec.optionHelp)
    var maxRetryAfterSeconds: String?

    @Option(name: SettingsCatalogue.maxBundleFiles.spec.optionName, help: SettingsCatalogue.maxBundleFiles.spec.optionHelp)
    var maxBundleFiles: String?

    @Option(name: SettingsCatalogue.maxFileBytes.spec.optionName, help: SettingsCatalogue.maxFileBytes.spec.optionHelp)
    var maxFileBytes: String?

    @Option(name: SettingsCatalogue.directUploadAbove.spec.optionName, help: SettingsCatalogue.directUploadAbove.spec.optionHelp)
    var directUploadAboveBytes: String?

    @Option(name: SettingsCatalogue.progressRetention.spec.optionName, help: SettingsCatalogue.progressRetention.spec.optionHelp)
    var progressRetentionDays: String?

    @Option(name: SettingsCatalogue.lease.spec.optionName, help: SettingsCatalogue.lease.spec.optionHelp)
    var leaseSeconds: String?

    @Option(name: SettingsCatalogue.maxVideosPerDay.spec.optionName, help: SettingsCatalogue.maxVideosPerDay.spec.optionHelp)
    var maxVideosPerDay: String?

    @Option(name: SettingsCatalogue.spendWindow.spec.optionName, help: SettingsCatalogue.spendWindow.spec.optionHelp)
    var spendWindowHours: String?

    @Option(name: SettingsCatalogue.download.spec.optionName, help: SettingsCatalogue.download.spec.optionHelp)
    var download: String?

    @Option(name: SettingsCatalogue.downloadMaxBytes.spec.optionName, help: SettingsCatalogue.downloadMaxBytes.spec.optionHelp)
    var downloadMaxBytes: String?

    /// Each option with its catalogue entry.
    static var fields: [(spec: SettingSpec, value: KeyPath<SettingsOptions, String?>)] {
        [
            (SettingsCatalogue.inbox.spec, \.inbox),
            (SettingsCatalogue.outbox.spec, \.outbox),
            (SettingsCatalogue.archive.spec, \.archive),
            (SettingsCatalogue.failed.spec, \.failed),
            (SettingsCatalogue.stateDir.spec, \.stateDir),
            (SettingsCatalogue.apiBaseURL.spec, \.apiBaseURL),
            (SettingsCatalogue.apiKeyFile.spec, \.apiKeyFile),
            (SettingsCatalogue.workers.spec, \.workers),
            (SettingsCatalogue.maxAttempts.spec, \.maxAttempts),
            (SettingsCatalogue.settle.spec, \.settleMs),
            (SettingsCatalogue.logFormat.spec, \.logFormat),
            (SettingsCatalogue.logLevel.spec, \.logLevel),
            (SettingsCatalogue.config.spec, \.config),
            (SettingsCatalogue.videoConcurrency.spec, \.videoConcurrency),
            (SettingsCatalogue.videoTimeout.spec, \.videoTimeoutMinutes),
            (SettingsCatalogue.orphanSidecarTimeout.spec, \.orphanSidecarTimeoutMinutes),
            (SettingsCatalogue.assetReuse.spec, \.assetReuseHours),
            (SettingsCatalogue.shutdownGrace.spec, \.shutdownGraceSeconds),
            (SettingsCatalogue.videoPollInitial.spec, \.videoPollInitialMs),
            (SettingsCatalogue.videoPollMax.spec, \.videoPollMaxMs),
            (SettingsCatalogue.retryBaseDelay.spec, \.retryBaseDelayMs),
            (SettingsCatalogue.maxRetryAfter.spec, \.maxRetryAfterSeconds),
            (SettingsCatalogue.maxBundleFiles.spec, \.maxBundleFiles),
            (SettingsCatalogue.maxFileBytes.spec, \.maxFileBytes),
            (SettingsCatalogue.directUploadAbove.spec, \.directUploadAboveBytes),
            (SettingsCatalogue.progressRetention.spec, \.progressRetentionDays),
            (SettingsCatalogue.lease.spec, \.leaseSeconds),
            (SettingsCatalogue.maxVideosPerDay.spec, \.maxVideosPerDay),
            (SettingsCatalogue.spendWindow.spec, \.spendWindowHours),
            (SettingsCatalogue.httpListen.spec, \.httpListen),
            (SettingsCatalogue.minFreeDisk.spec, \.minFreeDiskMb),
            (SettingsCatalogue.queueURL.spec, \.queueURL),
            (SettingsCatalogue.queuePasswordFile.spec, \.queuePasswordFile),
            (SettingsCatalogue.download.spec, \.download),
            (SettingsCatalogue.downloadMaxBytes.spec, \.downloadMaxBytes),
        ]
    }

    /// The flags given, with the watcher's when the command takes them, keyed by config key (`state_dir`,
    /// `api_key_file`, ...), for `SettingsLoader.load(flags:environment:)`.
    func flagValues(with watcher: WatcherOptions? = nil) -> [String: String] {
        var values = catalogueFlagValues()
        if let watcher { values.merge(watcher.catalogueFlagValues()) { own, _ in own } }
        return values
    }

}

/// A group of options, each the flag of one catalogue entry.
protocol CatalogueOptions {
    /// Each option with its catalogue entry.
    static var fields: [(spec: SettingSpec, value: KeyPath<Self, String?>)] { get }
}

extension CatalogueOptions {
    /// The flags given in this group, keyed by config key.
    func catalogueFlagValues() -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: Self.fields.compactMap { field in self[keyPath: field.value].map { (field.spec.key, $0) } })
    }
}

extension SettingSpec {
    /// The option's name: `--` and the key in kebab-case.
    var optionName: NameSpecification { .customLong(flagName) }
    /// The option's help: the catalogue's sentence and default, and its value name.
    var optionHelp: ArgumentHelp { ArgumentHelp(helpLine, valueName: valueName) }
}
