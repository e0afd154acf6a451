import PairPayCore
import Settlement
import SettlementHTTP

/// The HTTP API's ``SettlementAPI`` served by the real ``SettlementEngine``. Engine errors
/// (``SettlementError``) reach the routes unchanged and become their JSON error 1:1 (see
/// `SettlementError+APIError.swift`).
public struct EngineSettlementAPI: SettlementAPI {
    let engine: SettlementEngine

    public init(engine: SettlementEngine) {
        self.engine = engine
    }

    public func submitFirst(
        _ request: FirstSettlementRequest, merchantID: String
    ) async throws -> any Encodable & Sendable {
        try await engine.submitFirst(request, merchantID: merchantID)
    }

    public func submitSecond(
        _ request: SecondSettlementRequest, userID: String
    ) async throws -> SignedSettlementResult? {
        try await engine.submitSecond(request, userID: userID)
    }

    public func order(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        try await engine.order(orderID, merchantID: merchantID)
    }

    public func cancel(_ orderID: String, merchantID: String) async throws -> any Encodable & Sendable {
        try await engine.cancel(orderID, merchantID: merchantID)
    }
}

extension EngineSettlementAPI: PostSaleAPI {
    public func refund(
        _ request: RefundRequest, orderID: String, merchantID: String
    ) async throws -> RefundView {
        try await engine.refund(request, orderID: orderID, merchantID: merchantID)
    }

    public func refunds(orderID: String, merchantID: String) async throws -> [RefundView] {
        try await engine.refunds(orderID: orderID, merchantID: merchantID)
    }

    public func closeBatch(
        _ request: BatchCloseRequest, merchantID: String
    ) async throws -> any Encodable & Sendable {
        try await engine.closeBatch(
            merchantID: merchantID, laneID: request.laneID, batchID: request.batchID,
            existing: request.existing)
    }
}
