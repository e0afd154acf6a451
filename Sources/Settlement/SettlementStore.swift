import Foundation

/// Everything the settlement server keeps: orders with their audit trail, credentials, nonces,
/// the card vault's ciphertexts and the push outbox.
///
/// ``SQLiteSettlementStore`` is the default. Another database (PostgreSQL) needs only another
/// type conforming to these protocols: the engine and HTTP see nothing else. Methods are `async`
/// so such a store may use an asynchronous driver.
public typealias SettlementStore = OrderStore & CredentialStore & NonceStore & PushOutbox & VaultStore

/// Orders and their audit trail.
public protocol OrderStore: Sendable {
    /// The order, or nil.
    func order(merchantID: String, orderID: String) async throws -> OrderRecord?
    /// Inserts a new order (it must not exist) and appends `event` to the audit trail, atomically.
    func insert(_ order: OrderRecord, event: String) async throws
    /// Replaces an existing order and appends a `from → to` audit entry, atomically.
    func update(_ order: OrderRecord, from previous: OrderState, event: String) async throws
    /// Orders still waiting (not authorizing, not final) whose expiry is at or before `now`.
    func overdueOrders(now: Date) async throws -> [OrderRecord]
    /// Orders left in ``OrderState/authorizing`` (by a crash).
    func ordersInAuthorization() async throws -> [OrderRecord]
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
