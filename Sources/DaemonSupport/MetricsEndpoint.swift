import CoreMetrics
import Foundation
import Hummingbird
import Logging
import Prometheus

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
        let router = Router()
        router.get("/metrics") { _, _ in
            await sample()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
        }
        let (bound, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            }, logger: logger)
        let task = Task {
            do { try await application.runService(gracefulShutdownSignals: []) } catch {
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
