import PairPayCore

/// The settlement operations the HTTP API exposes: the engine (`SettlementEngine`) in
/// production, a fake in router tests. Errors that conform to ``APIErrorConvertible`` become
/// their JSON error; any other error is a 500.
public protocol SettlementAPI: Sendable {
    /// The store's first request; returns the order's status view.
    func submitFirst(
        _ request: FirstSettlementRequest, merchantID: String
    ) async throws -> any Encodable & Sendable
    /// The phone's second request; the signed result, or nil while the first request is missing.
    func submitSecond(
        _ request: SecondSettlementRequest, userID: String
    ) async throws -> SignedSettlementResult?
    /// The order's status (result path 3), for its own merchant only.
    func order(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable
    /// Cancels the order for its merchant.
    func cancel(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable
}

/// Money after the sale, for stores: refunds and the end-of-day batch close. Served when the API
/// implements it (the engine does); the routes are absent otherwise.
public protocol PostSaleAPI: Sendable {
    /// Refunds part or all of an approved sale; the refund's view (`state` `pending` or `final`).
    func refund(_ request: RefundRequest, orderID: String, merchantID: String) async throws -> RefundView
    /// Every refund of the order.
    func refunds(orderID: String, merchantID: String) async throws -> [RefundView]
    /// Captures the merchant's approved sales not captured yet.
    func closeBatch(_ request: BatchCloseRequest, merchantID: String) async throws -> any Encodable & Sendable
}

/// An error that knows its HTTP answer.
public protocol APIErrorConvertible: Error {
    /// The status, machine code and sentence to answer with.
    var apiError: APIError { get }
}

extension APIError: APIErrorConvertible {
    public var apiError: APIError { self }
}
