import CoreMetrics
import Foundation
import ISO8583
import Logging
import PairPayCore
import Synchronization

/// PairPay's ``Acquirer`` over ISO 8583/TCP to a bank host.
///
/// - STANs come from a durable counter, so a restart never reuses one.
/// - Every authorization is encoded, then recorded (without card data), then sent: nothing is
///   recorded that could not be sent.
/// - When no answer comes in time or the connection drops after sending, the authorization is
///   reversed: the 0400 is stored first and re-sent (as 0401) until the bank answers it.
/// - A reversal that cannot be sent at all (not a link problem) is parked with its reason, logged
///   at critical and counted, and never holds up the reversals behind it; the operator retries or
///   resolves it (`pairpay reversals`).
/// - Authorizations a crash left without an answer are reversed: all of them when an exclusive
///   store opens; with a store shared by several instances, each one still `sent` after its
///   deadline (response timeout plus ``ISO8583AcquirerConfiguration/takeOverGrace``), whichever
///   instance sent it, by whichever instance's retry loop finds it first.
/// - With a shared store, a reversal is claimed before it is sent, so two instances never send
///   the same one at once.
/// - An idle link is kept alive with 0800 echo tests and re-opened when it drops.
public final class ISO8583Acquirer: Acquirer {
    /// The durable store (exposed for reconciliation and tests).
    public let store: any AcquirerStore
    let configuration: ISO8583AcquirerConfiguration
    let connection: HostConnection
    let logger: Logger
    let codec = ISO8583Codec()
    let background = Mutex<[Task<Void, Never>]>([])

    init(
        configuration: ISO8583AcquirerConfiguration, store: any AcquirerStore, metrics: any MetricsFactory,
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        self.store = store
        self.connection = HostConnection(
            host: configuration.host, port: configuration.port, connectTimeout: configuration.connectTimeout,
            metrics: metrics, logger: logger)
    }

    /// Opens the SQLite store at ``ISO8583AcquirerConfiguration/storePath`` (owned by this
    /// process) and queues reversals for every authorization a crash left unanswered.
    /// Call ``start()`` to begin keep-alive and reversal retries.
    public static func open(
        configuration: ISO8583AcquirerConfiguration, logger: Logger
    ) async throws -> ISO8583Acquirer {
        let store = try SQLiteAcquirerStore(path: configuration.storePath, releasingLeases: true)
        return try await open(configuration: configuration, store: store, logger: logger)
    }

    /// Opens the acquirer on `store` and queues reversals for the authorizations a crash left
    /// unanswered: all of them in an exclusive store, the overdue ones in a shared store (the
    /// rest are taken over by the retry loop when they fall due, unless their instance answers
    /// them first). Call ``start()`` to begin keep-alive and reversal retries.
    /// - Parameter metrics: where `pairpay_bank_round_trip_seconds` goes (swift-metrics' global
    ///   factory unless given).
    public static func open(
        configuration: ISO8583AcquirerConfiguration, store: any AcquirerStore,
        metrics: (any MetricsFactory)? = nil, logger: Logger
    ) async throws -> ISO8583Acquirer {
        let acquirer = ISO8583Acquirer(
            configuration: configuration, store: store, metrics: metrics ?? MetricsSystem.factory,
            logger: logger)
        let overdueAt: Date? = store.sharing == .exclusive ? nil : Date()
        for id in try await store.interruptedAuthorizations(overdueAt: overdueAt)
        where try await store.takeOver(id, transmission: Self.transmissionDateTime(Date())) {
            logger.warning("authorization #\(id) was in flight when its acquirer stopped: reversing it")
        }
        return acquirer
    }

    /// Queues reversals for authorizations still `sent` after their deadline: their instance died
    /// or lost the bank's answer. Returns how many were taken over.
    @discardableResult
    public func takeOverOverdueAuthorizations(now: Date = Date()) async -> Int {
        do {
            var taken = 0
            for id in try await store.interruptedAuthorizations(overdueAt: now)
            where try await store.takeOver(id, transmission: Self.transmissionDateTime(now)) {
                // Only a request still `sent`: one answered since the list was read is left alone.
                logger.warning(
                    "authorization #\(id) is unanswered past its deadline: taken over, reversing it")
                taken += 1
            }
            return taken
        } catch {
            logger.error("cannot look for overdue authorizations: \(error)")
            return 0
        }
    }

    /// Signs on, then starts the echo keep-alive and the reversal retry loop.
    public func start() {
        var tasks: [Task<Void, Never>] = [Task { [weak self] in _ = await self?.signOn() }]
        if let interval = configuration.echoInterval {
            tasks.append(
                Task { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        guard let self, !Task.isCancelled else { return }
                        _ = await self.echo()
                    }
                })
        }
        let retry = configuration.reversalRetryInterval
        tasks.append(
            Task { [weak self] in
                while !Task.isCancelled {
                    guard let self else { return }
                    await self.takeOverOverdueAuthorizations()
                    await self.flushReversals()
                    await self.flushPostSales()
                    try? await Task.sleep(for: retry)
                }
            })
        background.withLock { $0 += tasks }
    }

    /// Stops background work and closes the connection.
    public func shutdown() async {
        let tasks = background.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
        await connection.close()
    }

    /// Whether the bank host is reachable: the link is open, or opens now within the connect
    /// timeout (for readiness; sends nothing).
    public func isLinkUp() async -> Bool {
        await connection.probe()
    }

    /// Sends an 0800 echo test (field 70 = 301); `true` when the bank answered 00.
    public func echo() async -> Bool {
        await networkManagement(code: "301", purpose: "echo test")
    }

    /// Sends an 0800 sign-on (field 70 = 001); `true` when the bank answered 00. ``start()`` signs
    /// on; a failure is logged and the link is used anyway (the bank may not require sign-on).
    public func signOn() async -> Bool {
        await networkManagement(code: "001", purpose: "sign-on")
    }

    private func networkManagement(code: String, purpose: String) async -> Bool {
        do {
            var message = ISOMessage(mti: .networkManagementRequest)
            message[.transmissionDateTime] = Self.transmissionDateTime(Date())
            message[.systemTraceAuditNumber] = try await store.nextSTAN()
            message[.networkManagementCode] = code
            let reply = try await connection.send(message, timeout: configuration.responseTimeout)
            if reply[.responseCode] != "00" {
                logger.notice(
                    "\(purpose) refused by the bank host: response code \(reply[.responseCode] ?? "none")")
            }
            return reply[.responseCode] == "00"
        } catch {
            logger.notice("\(purpose) to bank host failed: \(error)")
            return false
        }
    }

    static func transmissionDateTime(_ date: Date) -> String {
        ISODateTime(secondsSince1970: date.timeIntervalSince1970).transmission
    }
}
