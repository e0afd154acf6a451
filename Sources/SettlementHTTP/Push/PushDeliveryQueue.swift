import Foundation

/// Where the push sender finds the signed results to deliver and records how each attempt went:
/// the engine's store in production.
public protocol PushDeliveryQueue: Sendable {
    /// Deliveries whose next attempt is due at `now`, oldest first, at most `limit`.
    func dueDeliveries(now: Date, limit: Int) async throws -> [PendingPush]
    /// Records one attempt. `nextAttemptAt` is nil once delivered.
    func recordAttempt(_ attempt: PushAttempt) async throws
}

/// One signed result to post to one merchant endpoint.
public struct PendingPush: Sendable, Equatable {
    /// The outbox row.
    public var id: Int64
    /// The merchant's registered HTTPS endpoint.
    public var url: String
    /// The merchant's push secret (HMAC key for the `PairPay-Signature` header).
    public var secret: [UInt8]
    /// The JSON body: the signed settlement result.
    public var body: [UInt8]
    /// Attempts made so far.
    public var attempts: Int

    public init(id: Int64, url: String, secret: [UInt8], body: [UInt8], attempts: Int) {
        self.id = id
        self.url = url
        self.secret = secret
        self.body = body
        self.attempts = attempts
    }
}

/// The outcome of one delivery attempt.
public struct PushAttempt: Sendable, Equatable {
    /// The delivery.
    public var deliveryID: Int64
    /// When the attempt was made.
    public var attemptedAt: Date
    /// The receiver's HTTP status, nil when none came (connection or TLS failure).
    public var statusCode: Int?
    /// What went wrong, for the operator; nil when delivered.
    public var error: String?
    /// Whether the receiver answered 2xx.
    public var delivered: Bool
    /// When to try again; nil once delivered.
    public var nextAttemptAt: Date?
}
