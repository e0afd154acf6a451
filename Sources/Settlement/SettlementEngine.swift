import CoreMetrics
import Foundation
import Logging
import PairPayCore

/// Pairs the store's and the customer's settlement requests for one order, authorizes the
/// payment through the acquirer exactly once when they match, and signs the result.
///
/// - Either request may come first; the pair is found by merchant id + order id.
/// - A mismatch is declined (`mismatch`) without calling the acquirer.
/// - The order is stored as ``OrderState/authorizing`` before the acquirer is called, so a crash
///   can never lead to a second authorization (see ``recoverInterruptedAuthorizations()``).
/// - Identical repeats get the same answer with no second effect; different requests for an
///   order that already has one are ``SettlementError/conflict(_:)``.
/// - Orders are namespaced per merchant: asking for another merchant's order id answers
///   ``SettlementError/notFound(_:)``, exactly as for an order that does not exist, so nothing
///   about other merchants' orders leaks.
public actor SettlementEngine {
    let store: any SettlementStore
    let acquirer: any Acquirer
    let signer: ResultSigner
    let vault: Vault
    let configuration: SettlementConfiguration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger
    /// Where `pairpay_settlement_results_total` goes.
    let metrics: any MetricsFactory
    /// Called once a result is in the push outbox (settlementd rings the push sender's doorbell).
    let onPushQueued: @Sendable () -> Void
    var busyOrders: Set<OrderKey> = []
    var waiters: [OrderKey: [CheckedContinuation<Void, Never>]] = [:]

    public init(
        store: any SettlementStore, acquirer: any Acquirer, signer: ResultSigner, vault: Vault,
        configuration: SettlementConfiguration, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "pairpay.settlement"),
        metrics: (any MetricsFactory)? = nil, onPushQueued: @escaping @Sendable () -> Void = {}
    ) {
        self.metrics = metrics ?? MetricsSystem.factory
        self.onPushQueued = onPushQueued
        self.store = store
        self.acquirer = acquirer
        self.signer = signer
        self.vault = vault
        self.configuration = configuration
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// The store's view of one of its orders (result path 3). Expires the order first if it is overdue.
    /// - Throws: ``SettlementError/notFound(_:)`` for an unknown order or another merchant's.
    public func order(_ orderID: String, merchantID: String) async throws(SettlementError) -> OrderStatusView
    {
        let key = OrderKey(merchantID: merchantID, orderID: orderID)
        await lock(key)
        defer { unlock(key) }
        return try await retryingConcurrentChanges { () async throws(SettlementError) -> OrderStatusView in
            guard var order = try await load(key) else { throw Self.notFound(orderID) }
            if order.isWaiting, order.expiresAt <= now() {
                try await expire(&order)
            }
            return order.statusView
        }
    }

    static func notFound(_ orderID: String) -> SettlementError {
        .notFound("no order '\(orderID)' for this merchant: check the order id")
    }
}

/// Identifies an order: order ids are unique per merchant only.
struct OrderKey: Hashable, Sendable {
    let merchantID: String
    let orderID: String
}

extension OrderRecord {
    /// Still waiting for one of the two requests.
    var isWaiting: Bool { state == .awaitingFirst || state == .awaitingSecond }
}
