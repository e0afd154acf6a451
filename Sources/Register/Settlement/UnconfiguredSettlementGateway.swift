import PairPayCore
import RegisterProtocol

/// The gateway of a registerd with no settlement server configured: every call fails with
/// ``SettlementGatewayError/notConfigured``, so a sale ends at once with a clear RESULT.
public struct UnconfiguredSettlementGateway: SettlementGateway {
    public init() {}

    public func register(_ order: StoreOrder) async throws(SettlementGatewayError) -> PaymentInvitation {
        throw .notConfigured
    }

    public func outcome(
        of order: StoreOrder, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        throw .notConfigured
    }

    public func cancel(_ order: StoreOrder) async throws(SettlementGatewayError) -> CancelOutcome {
        throw .notConfigured
    }

    public func verifyRelayedResult(
        _ relayData: String, for order: StoreOrder
    ) async throws(SettlementGatewayError)
        -> SettlementOutcome
    {
        throw .notConfigured
    }

    public func void(_ order: StoreOrder) async throws(SettlementGatewayError) -> SettlementOutcome {
        throw .notConfigured
    }

    public func refund(
        _ order: StoreOrder, refundID: String, amount: Money, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        throw .notConfigured
    }

    public func closeBatch(
        laneID: String, batchID: String, existing: Bool
    ) async throws(SettlementGatewayError) -> BatchReport {
        throw .notConfigured
    }
}
