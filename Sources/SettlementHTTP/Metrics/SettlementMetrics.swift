import CoreMetrics
import Prometheus
import Synchronization

/// settlementd's metrics, recorded through swift-metrics and rendered by swift-prometheus in the
/// Prometheus text format at `GET /metrics`.
///
/// One registry per server (nothing global, so several servers in one test process keep their
/// counts apart). The engine and the acquirer record into the same registry through ``factory``.
/// Labels carry only route templates, status codes, message types, result reasons and state
/// names: never ids or card data.
public final class SettlementMetrics: Sendable {
    /// Where every metric of this server lives.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over ``registry``, for the engine, the acquirer and the pool.
    public let factory: any MetricsFactory
    let gauges = Mutex<[SampledGauge]>([])

    /// Histogram buckets for durations: HTTP answers and bank round trips (5 ms … 30 s).
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30),
    ]

    /// A gauge read when `/metrics` is asked: its name, label name, and a sampler that returns the
    /// value for each label value.
    struct SampledGauge: Sendable {
        let name: String
        let label: String
        let sample: @Sendable () async throws -> [String: Int]
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
    }

    /// Adds a gauge sampled on every scrape, for example outstanding reversals by state. A sampler
    /// that fails leaves its gauge at its last value for that scrape (the scrape still answers).
    /// `help` is for the reader of this code and docs/OPERATOR.md, which lists every metric.
    public func addGauge(
        _ name: String, help: String, label: String,
        sample: @escaping @Sendable () async throws -> [String: Int]
    ) {
        gauges.withLock { $0.append(SampledGauge(name: name, label: label, sample: sample)) }
    }

    /// Samples every gauge, then renders the registry in the Prometheus text format (0.0.4).
    public func renderWithGauges() async -> String {
        for gauge in gauges.withLock({ $0 }) {
            guard let values = try? await gauge.sample() else { continue }
            for (key, value) in values {
                Gauge(label: gauge.name, dimensions: [(gauge.label, key)], factory: factory).record(value)
            }
        }
        return render()
    }

    /// The registry as it is (gauges not sampled), in the Prometheus text format.
    public func render() -> String {
        registry.emitToString()
    }

    func request(route: String, status: Int, duration: Duration) {
        Counter(
            label: "pairpay_http_requests_total", dimensions: [("route", route), ("status", String(status))],
            factory: factory
        ).increment()
        Timer(
            label: "pairpay_http_request_duration_seconds", dimensions: [("route", route)], factory: factory
        )
        .recordNanoseconds(Self.nanoseconds(duration))
    }

    func authenticated(role: APIRole, method: AuthenticationMethod) {
        Counter(
            label: "pairpay_authentications_total",
            dimensions: [("role", role.rawValue), ("method", method.rawValue)],
            factory: factory
        ).increment()
    }

    func refused(role: APIRole) {
        Counter(
            label: "pairpay_authentication_refusals_total", dimensions: [("role", role.rawValue)],
            factory: factory
        ).increment()
    }

    /// Counts one push delivery attempt (`delivered` or `failed`).
    public func pushAttempt(delivered: Bool) {
        Counter(
            label: "pairpay_push_attempts_total",
            dimensions: [("outcome", delivered ? "delivered" : "failed")],
            factory: factory
        ).increment()
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
