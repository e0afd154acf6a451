import PairPayCore
import Register
import RegisterProtocol
import Synchronization

/// A settlement server stand-in for unit tests of RegisterService: the test decides how each
/// call ends and when. (The real HTTPS gateway is tested with the settlement server.)
final class ScriptedSettlementGateway: SettlementGateway {
    struct Script: Sendable {
        var registration: Result<PaymentInvitation, SettlementGatewayError> = .success(
            PaymentInvitation(phonePayload: "PAIRPAY1:TEST", expiresIn: .seconds(120)))
        var cancellation: Result<CancelOutcome, SettlementGatewayError> = .success(.cancelled)
        var voiding: Result<SettlementOutcome, SettlementGatewayError> = .success(
            SettlementOutcome(status: .cancelled, reason: .voided, message: "Voided"))
        var outcomes: [String: SettlementOutcome] = [:]
        var stages: [String: ProgressStage] = [:]
        /// Stages reported one after another in one go (the server's answers arriving together).
        var stageBursts: [String: [ProgressStage]] = [:]
        var registered: [StoreOrder] = []
        var cancelled: [String] = []
        /// While true, a cancel request waits (it is "on its way to the server").
        var holdCancel = false
        var voided: [String] = []
        /// How each refund ends, by refund id (default: approved); every call is recorded.
        var refunding: [String: Result<SettlementOutcome, SettlementGatewayError>] = [:]
        var refunds: [(refundID: String, orderID: String, amount: Int64)] = []
        /// How a batch close ends (default: balanced with nothing in it); every call is recorded.
        var batchClose: Result<BatchReport, SettlementGatewayError> = .success(
            BatchReport(state: .balanced, settlement: [], bank: [], differences: []))
        var batchCloses: [(laneID: String, batchID: String, existing: Bool)] = []
        /// While true, a batch close waits (settlementd is capturing).
        var holdBatchClose = false
    }

    let script = Mutex(Script())

    /// Makes the order with this id end with `outcome` (the server's result arrives).
    func complete(_ orderID: String, with outcome: SettlementOutcome) {
        script.withLock { $0.outcomes[orderID] = outcome }
    }

    func report(_ stage: ProgressStage, for orderID: String) {
        script.withLock { $0.stages[orderID] = stage }
    }

    /// Makes the waiting call report all of `stages` at once, in this order.
    func reportBurst(_ stages: [ProgressStage], for orderID: String) {
        script.withLock { $0.stageBursts[orderID] = stages }
    }

    var registered: [StoreOrder] { script.withLock { $0.registered } }

    func register(_ order: StoreOrder) async throws(SettlementGatewayError) -> PaymentInvitation {
        let result = script.withLock { state in
            state.registered.append(order)
            return state.registration
        }
        return try result.get()
    }

    func outcome(
        of order: StoreOrder, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        var reported: ProgressStage?
        while ContinuousClock.now < deadline {
            let (outcome, current, burst) = script.withLock {
                (
                    $0.outcomes[order.orderID], $0.stages[order.orderID],
                    $0.stageBursts.removeValue(forKey: order.orderID)
                )
            }
            for reported in burst ?? [] { stage(reported) }
            if let current, current != reported {
                reported = current
                stage(current)
            }
            if let outcome { return outcome }
            do { try await Task.sleep(for: .milliseconds(5)) } catch { throw .unreachable("cancelled") }
        }
        return SettlementOutcome(status: .expired, reason: .expired, message: "Expired")
    }

    func cancel(_ order: StoreOrder) async throws(SettlementGatewayError) -> CancelOutcome {
        script.withLock { $0.cancelled.append(order.orderID) }
        while script.withLock({ $0.holdCancel }) {
            do { try await Task.sleep(for: .milliseconds(5)) } catch { throw .unreachable("cancelled") }
        }
        return try script.withLock { $0.cancellation }.get()
    }

    func verifyRelayedResult(
        _ relayData: String, for order: StoreOrder
    ) async throws(SettlementGatewayError)
        -> SettlementOutcome
    {
        guard relayData == "VALID:\(order.orderID)" else {
            throw .relayRejected("authenticator does not verify")
        }
        return SettlementOutcome(
            status: .approved, reason: .approved, approvalCode: "RELAY1", cardLast4: "4242")
    }

    func void(_ order: StoreOrder) async throws(SettlementGatewayError) -> SettlementOutcome {
        let result = script.withLock { state in
            state.voided.append(order.orderID)
            return state.voiding
        }
        return try result.get()
    }

    func refund(
        _ order: StoreOrder, refundID: String, amount: Money, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        stage(.refunding)
        let result = script.withLock { state in
            state.refunds.append((refundID, order.orderID, amount.minorUnits))
            return state.refunding[refundID]
                ?? .success(SettlementOutcome(status: .approved, reason: .refunded, approvalCode: "RF0001"))
        }
        return try result.get()
    }

    func closeBatch(
        laneID: String, batchID: String, existing: Bool
    ) async throws(SettlementGatewayError) -> BatchReport {
        script.withLock { $0.batchCloses.append((laneID, batchID, existing)) }
        while script.withLock({ $0.holdBatchClose }) {
            do { try await Task.sleep(for: .milliseconds(5)) } catch { throw .unreachable("cancelled") }
        }
        return try script.withLock { $0.batchClose }.get()
    }
}
