import PairPayCore
import Register
import RegisterProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HTTPSettlementGateway {
    public func cancel(_ order: StoreOrder) async throws(SettlementGatewayError) -> CancelOutcome {
        let (signed, result) = try await cancelAtServer(order)
        if result.status == .cancelled, result.reason == .cancelled || result.reason == .reversed {
            logger.info("order \(order.orderID) cancelled at settlementd (\(result.reason.rawValue))")
            return .cancelled
        }
        _ = try? await mailbox.receive(signed, for: order, via: .query)
        logger.notice("order \(order.orderID): cancel too late, the order ended \(result.status.rawValue)")
        return .tooLate(SettlementOutcome(result, source: .query))
    }

    public func void(_ order: StoreOrder) async throws(SettlementGatewayError) -> SettlementOutcome {
        let (_, result) = try await cancelAtServer(order)
        switch (result.status, result.reason) {
        case (.cancelled, .reversed):
            logger.info("order \(order.orderID) voided: the payment was given back")
            return SettlementOutcome(
                status: .cancelled, reason: .voided, cardLast4: result.cardLast4,
                message: "Voided: the payment was given back", source: .query)
        case (.approved, _):
            throw .refused(
                "settlementd did not give the payment of order \(order.orderID) back; try the void again")
        default:
            return SettlementOutcome(result, source: .query)
        }
    }

    /// `POST /v1/orders/{id}/cancel`, retried while the server is authorizing the order (409)
    /// for up to the cancel retry window; returns the order's verified final result.
    func cancelAtServer(
        _ order: StoreOrder
    ) async throws(SettlementGatewayError) -> (SignedSettlementResult, SettlementResult) {
        let giveUp = ContinuousClock.now + configuration.cancelRetryWindow
        while true {
            let reply = try await client.sendRetrying(.POST, "/v1/orders/\(order.orderID)/cancel")
            if reply.status == 409, ContinuousClock.now < giveUp {
                logger.info("order \(order.orderID) is being authorized; asking to cancel again")
                do { try await Task.sleep(for: .milliseconds(500)) } catch {
                    throw .noAnswer("cancel of order \(order.orderID) interrupted")
                }
                continue
            }
            guard reply.isSuccess else { throw reply.failure("the cancel of order \(order.orderID)") }
            let status = try reply.orderStatus()
            guard status.isFinal, let signed = status.result else {
                throw .noAnswer(
                    "settlementd has not finished the order \(order.orderID) (\(status.state)); try again")
            }
            do throws(ResultRejection) {
                return (signed, try check.check(signed, for: order))
            } catch {
                logger.critical(
                    "order \(order.orderID): settlementd's answer to the cancel does not verify: \(error)")
                throw .refused(
                    "settlementd's answer to the cancel does not verify (\(error)); check server-public-key and merchant-id"
                )
            }
        }
    }
}
