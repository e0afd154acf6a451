import Foundation
import PairPayCore

/// Everything the settlement server keeps: orders with their audit trail, credentials, nonces,
/// the card vault's ciphertexts and the push outbox.
///
/// ``SQLiteSettlementStore`` is the embedded default (one settlementd); the PostgreSQL store
/// (`SettlementPostgres`) is shared by several instances. The engine and HTTP see nothing else.
/// Every write that decides an order is conditional on the version it was decided from
/// (``OrderStore/update(_:from:event:)``), so instances need no lock between them.
public typealias SettlementStore = OrderStore & CredentialStore & NonceStore & PushOutbox & VaultStore
    & RefundStore & BatchStore

/// Orders and their audit trail.
public protocol OrderStore: Sendable {
    /// Whether other instances write this store too.
    var sharing: StoreSharing { get }
    /// The order with its stored ``OrderRecord/version``, or nil.
    func order(merchantID: String, orderID: String) async throws -> OrderRecord?
    /// Inserts a new order at version 0 and appends `event` to the audit trail, atomically.
    /// - Throws: ``SettlementStoreError/concurrentChange`` when the order exists (another request
    ///   created it meanwhile): read it again.
    func insert(_ order: OrderRecord, event: String) async throws
    /// Replaces the order if it is still at `order.version`, stores it as `version + 1` and
    /// appends a `from → to` audit entry, atomically. Every scalar field is written; of the nested
    /// values only the ``OrderRecord/unsavedParts`` (those set since the order was read), so
    /// `order` must be one read from this store (at `order.version`) and changed since.
    /// - Throws: ``SettlementStoreError/concurrentChange`` when it was changed since it was read
    ///   (by another instance): nothing is written; read it again.
    func update(_ order: OrderRecord, from previous: OrderState, event: String) async throws
    /// Orders still waiting (not authorizing, not final) whose expiry is at or before `now`.
    func overdueOrders(now: Date) async throws -> [OrderRecord]
    /// Orders in ``OrderState/authorizing``: all of them (`overdueAt` nil: an exclusive store at
    /// start-up, after a crash) or those whose ``OrderRecord/recoverAfter`` is at or before
    /// `overdueAt` (abandoned by an instance that died).
    func ordersInAuthorization(overdueAt: Date?) async throws -> [OrderRecord]
    /// The audit trail of one order, oldest first.
    func auditTrail(merchantID: String, orderID: String) async throws -> [AuditEntry]
    /// Deletes final orders last changed before `date`, with their audit entries and delivered
    /// pushes; returns how many orders were deleted.
    func purgeHistory(olderThan date: Date) async throws -> Int
}

/// One state transition of an order.
public struct AuditEntry: Hashable, Sendable, Codable {
    public let merchantID: String
    public let orderID: String
    /// The state before (nil when the order was created).
    public let fromState: OrderState?
    public let toState: OrderState
    /// What happened, in words (no card data).
    public let event: String
    public let at: Date

    public init(
        merchantID: String, orderID: String, fromState: OrderState?, toState: OrderState, event: String,
        at: Date
    ) {
        self.merchantID = merchantID
        self.orderID = orderID
        self.fromState = fromState
        self.toState = toState
        self.event = event
        self.at = at
    }
}
