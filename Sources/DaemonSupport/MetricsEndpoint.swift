import CoreMetrics
import Logging
import Prometheus

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A daemon's metrics at `GET /metrics` on a listener of its own (plain HTTP, meant for
/// loopback or a monitoring network), in the Prometheus text format, with swift-metrics' global
/// factory bootstrapped onto the same registry so that everything the process records shows.
public enum MetricsEndpoint {
    /// Bootstraps swift-metrics for the process (once) and returns the registry it records into.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
            .seconds(10),
            .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    /// Serves `registry` on `listen` (`HOST:PORT`, port 0 for any) until the task is cancelled;
    /// `sample` runs before each scrape (for gauges read from elsewhere). Returns the port bound.
    /// - Throws: `MetricsEndpointError` for an address that cannot be used.
    public static func start(
        listen: String, registry: PrometheusCollectorRegistry, logger: Logger,
        sample: @escaping @Sendable () async -> Void = {}
    ) async throws -> (port: Int, task: Task<Void, Never>) {
        let (host, port) = try parse(listen)
        let route = HTTPRoute(.GET, "/metrics") { _ in
            await sample()
            return HTTPListenerResponse(
                status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
                text: registry.emitToString())
        }
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let listener = HTTPListener(
            configuration: .init(host: host, port: port, maximumBody: 0, serverName: "PairPay-metrics"),
            routes: [route], logger: logger)
        let task = Task {
            do {
                try await listener.run { chosen in
                    continuation.yield(chosen)
                    continuation.finish()
                }
            } catch {
                logger.error("metrics endpoint stopped: \(error)")
            }
            continuation.finish()
        }
        for await chosen in bound { return (chosen, task) }
        task.cancel()
        throw MetricsEndpointError.cannotListen(listen)
    }

    static func parse(_ listen: String) throws(MetricsEndpointError) -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port), colon != listen.startIndex
        else { throw .invalidAddress(listen) }
        return (String(listen[..<colon]), port)
    }
}

/// Why the metrics endpoint could not start.
public enum MetricsEndpointError: Error, Equatable, CustomStringConvertible {
    /// Not `HOST:PORT`.
    case invalidAddress(String)
    /// The address could not be bound (in use, or not this machine's).
    case cannotListen(String)

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            return "metrics address '\(text)' must be HOST:PORT, e.g. 127.0.0.1:9464"
        case .cannotListen(let text):
            return "cannot listen for metrics on \(text): in use, or not an address of this machine"
        }
    }
}
