import PairPayCore
import Register
import RegisterProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HTTPSettlementGateway {
    /// `POST /v1/orders/{id}/refunds`, sent again (same refund id, so never refunded twice) while
    /// the server answers 202 or cannot be reached, until `deadline`; the verified result.
    public func refund(
        _ order: StoreOrder, refundID: String, amount: Money, until deadline: ContinuousClock.Instant,
        stage: @escaping @Sendable (ProgressStage) -> Void
    ) async throws(SettlementGatewayError) -> SettlementOutcome {
        let body: [UInt8]
        do {
            let request = try RefundRequest(refundID: refundID, amount: amount)
            body = Array(try JSONEncoder().encode(request))
        } catch {
            throw .refused("refund \(refundID) of order \(order.orderID) cannot be sent: \(error)")
        }
        let path = "/v1/orders/\(order.orderID)/refunds"
        while true {
            do throws(SettlementGatewayError) {
                let reply = try await client.send(.POST, path, body: body)
                if reply.status == 200 {
                    return try verifiedRefund(reply, order: order, refundID: refundID, amount: amount)
                }
                if reply.status == 202 {
                    stage(.refunding)
                } else if reply.status < 500 {
                    throw reply.failure("the refund \(refundID) of order \(order.orderID)")
                } else {
                    stage(.reconnecting)
                }
            } catch .unreachable(let detail), .noAnswer(let detail) {
                logger.notice("refund \(refundID): \(detail); asking again")
                stage(.reconnecting)
            }
            guard ContinuousClock.now < deadline else {
                throw .unreachable(
                    "settlementd has not finished the refund \(refundID) of order \(order.orderID); send the same REFUND again to learn its result"
                )
            }
            do { try await Task.sleep(for: configuration.retryBase) } catch {
                throw .unreachable("refund \(refundID) interrupted")
            }
        }
    }

    func verifiedRefund(
        _ reply: SettlementClient.Reply, order: StoreOrder, refundID: String, amount: Money
    ) throws(SettlementGatewayError) -> SettlementOutcome {
        let view: RefundView
        do { view = try JSONDecoder().decode(RefundView.self, from: Data(reply.body)) } catch {
            // Outcome unknown, not "declined": the same REFUND again asks again.
            throw .unreachable("settlementd answered the refund \(refundID) with a body that is not a refund")
        }
        guard let signed = view.result else {
            throw .unreachable("settlementd has not finished the refund \(refundID); try again")
        }
        let refund: RefundResult
        do throws(ResultRejection) {
            refund = try check.check(signed, orderID: order.orderID, refundID: refundID, amount: amount)
        } catch {
            logger.critical(
                "refund \(refundID) of order \(order.orderID): the result does not verify: \(error)")
            // Outcome unknown: the register must not take it for "nothing given back" (RESULT
            // error; the same REFUND again asks again), while the operator fixes the key.
            throw .relayRejected(
                "settlementd's refund result does not verify (\(error)); check server-public-key and merchant-id"
            )
        }
        logger.info(
            "refund \(refundID) of order \(order.orderID): \(refund.status.rawValue) (\(refund.reason.rawValue))"
        )
        switch (refund.status, refund.reason) {
        case (.approved, _):
            return SettlementOutcome(
                status: .approved, reason: .refunded, approvalCode: refund.approvalCode,
                message: "Refunded \(refund.amount)", source: .query)
        case (.declined, .exceedsCaptured):
            return SettlementOutcome(
                status: .declined, reason: .exceedsSale, message: "Refund declined: more than the sale",
                source: .query)
        case (.declined, .notRefundable):
            return SettlementOutcome(
                status: .declined, reason: .notRefundable,
                message: "Refund declined: the sale cannot be refunded",
                source: .query)
        case (.declined, _):
            return SettlementOutcome(
                status: .declined, reason: .declined, message: "Refund declined by the bank", source: .query)
        }
    }
}
