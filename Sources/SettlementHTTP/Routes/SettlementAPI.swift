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

/// An error that knows its HTTP answer.
public protocol APIErrorConvertible: Error {
    /// The status, machine code and sentence to answer with.
    var apiError: APIError { get }
}

extension APIError: APIErrorConvertible {
    public var apiError: APIError { self }
}
