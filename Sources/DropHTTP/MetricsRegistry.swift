import DropMetrics
import Prometheus

/// The daemon's Prometheus registry and the swift-metrics factory that records into it.
///
/// The executable bootstraps `MetricsSystem` with `factory` (a library or a test never does); `/metrics`
/// prints `registry` in the Prometheus text format. The histograms get buckets that fit what they measure.
public struct MetricsRegistry: Sendable {
    /// Where the series live.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics backend recording into `registry`.
    public let factory: PrometheusMetricsFactory

    /// A fresh registry with its factory.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[DropMetrics.Name.apiRequestDuration] = DropMetrics.apiRequestBuckets
        factory.durationHistogramBuckets[DropMetrics.Name.videoWait] = DropMetrics.videoWaitBuckets
        self.registry = registry
        self.factory = factory
    }

    /// The series recorded into this registry.
    public var metrics: DropMetrics { DropMetrics(factory: factory) }

    /// Records the gauges that a snapshot holds: the jobs per profile and state, and the oldest queued age.
    /// States a profile had before and has no longer are set to 0, so a scrape never shows a stale count.
    public func record(_ snapshot: DashboardSnapshot, states: [String]) {
        let metrics = self.metrics
        let profiles = Set(snapshot.counts.map(\.profile))
        for profile in profiles {
            for state in states {
                let count = snapshot.counts.first { $0.profile == profile && $0.state == state }?.count ?? 0
                metrics.jobs(profile: profile, state: state, count: count)
            }
        }
        metrics.oldestQueuedAge(seconds: snapshot.oldestQueuedAgeSeconds ?? 0)
    }

    /// The registry's series in the Prometheus text format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
