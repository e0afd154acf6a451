import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import PairPayCore
import ServiceLifecycle

/// Result path 2: posts each final signed result to its merchant's HTTPS endpoint with a
/// `PairPay-Signature` header, retrying with exponential back-off until the receiver answers
/// 2xx, and records every attempt in the outbox. Runs until graceful shutdown.
public struct PushSender: Service {
    /// How the sender behaves.
    public struct Configuration: Sendable {
        /// How often to look for due deliveries.
        public var pollInterval: Duration
        /// Delay before the first retry; doubled after each failure.
        public var retryBase: Duration
        /// Longest delay between retries.
        public var retryCap: Duration
        /// Time allowed for one POST.
        public var requestTimeout: Duration
        /// PEM file of the CA that receivers' certificates chain to; nil: the system's roots.
        public var trustedCAPath: String?

        public init(
            pollInterval: Duration = .seconds(1), retryBase: Duration = .seconds(2),
            retryCap: Duration = .seconds(600),
            requestTimeout: Duration = .seconds(10), trustedCAPath: String? = nil
        ) {
            self.pollInterval = pollInterval
            self.retryBase = retryBase
            self.retryCap = retryCap
            self.requestTimeout = requestTimeout
            self.trustedCAPath = trustedCAPath
        }
    }

    let outbox: any PushDeliveryQueue
    let configuration: Configuration
    let metrics: SettlementMetrics
    let logger: Logger
    let now: @Sendable () -> Date
    /// Rung when a result is queued (settlementd wires the engine to it): the sender delivers at
    /// once instead of at the next poll.
    public let doorbell: PushDoorbell

    public init(
        outbox: any PushDeliveryQueue, configuration: Configuration, metrics: SettlementMetrics,
        logger: Logger, doorbell: PushDoorbell = PushDoorbell(),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.outbox = outbox
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.doorbell = doorbell
        self.now = now
    }

    /// The delay before attempt number `attempts + 1` after `attempts` failures.
    public static func backoff(afterFailures attempts: Int, base: Duration, cap: Duration) -> Duration {
        let exponent = min(max(attempts - 1, 0), 30)
        let delay = base * (1 << exponent)
        return min(delay, cap)
    }

    public func run() async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let path = configuration.trustedCAPath {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
        }
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(tlsConfiguration: tls, redirectConfiguration: .disallow))
        logger.info("push sender started")
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await deliverDue(client: client)
                await doorbell.wait(upTo: configuration.pollInterval)
            }
        }
        try? await client.shutdown()
        logger.info("push sender stopped")
    }

    /// How many due deliveries are taken at a time: each may take up to the request timeout, and
    /// the whole batch must fit in the outbox's claim (``StorePushQueue``: 120 s).
    public static let batchSize = 10

    /// Delivers everything due now, once each, the deliveries of one batch side by side (a slow
    /// receiver holds up no other store's result).
    func deliverDue(client: HTTPClient) async {
        let due: [PendingPush]
        do {
            due = try await outbox.dueDeliveries(now: now(), limit: Self.batchSize)
        } catch {
            logger.error("cannot read the push outbox: \(error)")
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in due where !Task.isCancelled {
                group.addTask {
                    let attempt = await deliver(delivery, client: client)
                    metrics.pushAttempt(delivered: attempt.delivered)
                    do { try await outbox.recordAttempt(attempt) } catch {
                        logger.error("cannot record push attempt for delivery \(delivery.id): \(error)")
                    }
                }
            }
        }
        // A full batch: more may be due at once.
        if due.count == Self.batchSize { doorbell.ring() }
    }

    func deliver(_ delivery: PendingPush, client: HTTPClient) async -> PushAttempt {
        let started = now()
        let timestamp = Int64(started.timeIntervalSince1970)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "PairPay-settlementd push")
        request.headers.add(
            name: PushSignature.headerName,
            value: PushSignature.header(secret: delivery.secret, timestamp: timestamp, body: delivery.body))
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        var status: Int?
        var failure: String?
        do {
            let response = try await client.execute(
                request,
                timeout: .nanoseconds(Int64(configuration.requestTimeout.components.seconds) * 1_000_000_000))
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if !(200..<300).contains(Int(response.status.code)) {
                failure = "receiver answered \(response.status.code)"
            }
        } catch {
            failure = "\(error)"
        }
        let delivered = failure == nil
        let failures = delivery.attempts + 1
        let retry = Self.backoff(
            afterFailures: failures, base: configuration.retryBase, cap: configuration.retryCap)
        let next =
            delivered
            ? nil
            : started.addingTimeInterval(
                Double(retry.components.seconds) + Double(retry.components.attoseconds) / 1e18)
        if delivered {
            logger.info("pushed result delivery \(delivery.id) (attempt \(failures))")
        } else {
            logger.notice(
                "push delivery \(delivery.id) attempt \(failures) failed: \(failure ?? "?"); retrying in \(retry)"
            )
        }
        return PushAttempt(
            deliveryID: delivery.id, attemptedAt: started, statusCode: status, error: failure,
            delivered: delivered,
            nextAttemptAt: next)
    }
}
