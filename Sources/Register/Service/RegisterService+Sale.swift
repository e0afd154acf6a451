import PairPayCore
import RegisterProtocol

extension RegisterService {
    func handleSale(_ sale: Sale) {
        if let open = log.open {
            if case .sale(let openSale) = open.kind, open.receipt == sale.receipt, openSale == sale {
                logger.info("sale \(sale.receipt) sent again; carrying on with order \(open.orderID ?? "-")")
                resendPaymentRequest()
                return
            }
            reply(Busy(receipt: open.receipt, message: "Busy with receipt \(open.receipt)"))
            return
        }
        if let earlier = log.sale(withReceipt: sale.receipt) {
            if case .sale(let earlierSale) = earlier.kind, earlierSale == sale, let result = earlier.result {
                logger.info(
                    "sale \(sale.receipt) already ended (\(result.status.name)); sending its result again")
                reply(result)
            } else {
                reply(
                    ErrorReply(
                        code: .duplicateReceipt, inReplyTo: MessageType.sale.rawValue,
                        message: "receipt \(sale.receipt) was already used for a different sale",
                        receipt: sale.receipt))
            }
            return
        }
        if log.refund(withReceipt: sale.receipt) != nil {
            reply(
                ErrorReply(
                    code: .duplicateReceipt, inReplyTo: MessageType.sale.rawValue,
                    message: "receipt \(sale.receipt) was already used for a refund", receipt: sale.receipt))
            return
        }
        let validated: ValidatedSale
        do {
            validated = try sale.validated()
        } catch {
            logger.info("sale \(sale.receipt) refused: \(error)")
            reply(
                ErrorReply(
                    code: .invalidSale, inReplyTo: MessageType.sale.rawValue, message: error.description,
                    receipt: sale.receipt))
            return
        }
        let order = StoreOrder(orderID: orderIDs.next(), receipt: sale.receipt, sale: validated)
        logger.info("sale \(sale.receipt): order \(order.orderID) for \(order.total)")
        guard
            journal(
                TransactionRecord(
                    kind: .sale(sale), receipt: sale.receipt, orderID: order.orderID, period: log.period))
        else { return }
        begin(order, stage: .registering)
        current?.flow = Task { await self.runSale(order) }
    }

    func runSale(_ order: StoreOrder) async {
        do throws(SettlementGatewayError) {
            let invitation = try await gateway.register(order)
            guard isOpen(order) else { return }
            let deadline = ContinuousClock.now + invitation.expiresIn
            current?.registered = true
            do { try log.markNewestRegistered() } catch { logger.error("\(error)") }
            current?.invitation = invitation
            current?.deadline = deadline
            resendPaymentRequest()
            setStage(.waitingForPhone, for: order.orderID)
            let outcome = try await withOrderedStages(for: order.orderID) {
                stage throws(SettlementGatewayError) in
                try await gateway.outcome(of: order, until: deadline, stage: stage)
            }
            settle(order.orderID, with: outcome)
        } catch {
            // A cancelled flow (registerd stopping, or an abort that finishes the sale itself) leaves
            // the outcome open: the journal keeps the transaction open and the next start resumes it.
            guard !Task.isCancelled else { return }
            settle(order.orderID, with: Self.outcome(for: error))
        }
    }

    func resendPaymentRequest() {
        guard let open = current, let invitation = open.invitation else { return }
        let seconds = open.deadline.map { Self.wholeSeconds(until: $0) } ?? 0
        reply(
            PaymentRequest(
                receipt: open.order.receipt, orderID: open.order.orderID,
                currencyCode: open.order.total.currency.code, total: open.order.total.minorUnits,
                phonePayload: invitation.phonePayload, expiresIn: seconds))
    }

    static func outcome(for error: SettlementGatewayError) -> SettlementOutcome {
        switch error {
        case .notConfigured:
            SettlementOutcome(
                status: .error, reason: .settlementNotConfigured, message: "Settlement not configured")
        case .unreachable:
            SettlementOutcome(
                status: .error, reason: .settlementUnreachable, message: "Settlement server unreachable")
        case .refused(let detail):
            SettlementOutcome(status: .declined, reason: .declined, message: detail)
        case .relayRejected:
            SettlementOutcome(status: .error, reason: .relayRejected, message: "Result could not be verified")
        }
    }
}
