import RegisterProtocol

extension RegisterService {
    func handleVoid(_ void: VoidRequest) {
        if let open = log.open {
            reply(Busy(receipt: open.receipt, message: "Busy with receipt \(open.receipt)"))
            return
        }
        if let earlier = log.void(withReceipt: void.receipt) {
            if case .void(let earlierVoid) = earlier.kind, earlierVoid == void, let result = earlier.result {
                reply(result)
            } else {
                reply(
                    ErrorReply(
                        code: .duplicateReceipt, inReplyTo: MessageType.void.rawValue,
                        message: "receipt \(void.receipt) was already used for a different void",
                        receipt: void.receipt))
            }
            return
        }
        if log.refund(withReceipt: void.receipt) != nil {
            reply(
                ErrorReply(
                    code: .duplicateReceipt, inReplyTo: MessageType.void.rawValue,
                    message: "receipt \(void.receipt) was already used for a refund", receipt: void.receipt))
            return
        }
        guard let saleRecord = log.sale(withOrderID: void.orderID), case .sale(let sale) = saleRecord.kind,
            saleRecord.result?.status == .approved, let validated = try? sale.validated()
        else {
            reply(
                ErrorReply(
                    code: .noTransaction, inReplyTo: MessageType.void.rawValue,
                    message: "no approved sale with order id \(void.orderID)", receipt: void.receipt))
            return
        }
        let alreadyVoided = log.records.contains { record in
            if case .void(let earlier) = record.kind {
                return earlier.orderID == void.orderID && record.result?.status == .cancelled
            }
            return false
        }
        guard !alreadyVoided else {
            reply(
                ErrorReply(
                    code: .noTransaction, inReplyTo: MessageType.void.rawValue,
                    message: "order \(void.orderID) is already voided", receipt: void.receipt))
            return
        }
        guard log.refunded(orderID: void.orderID) == 0 else {
            reply(
                ErrorReply(
                    code: .noTransaction, inReplyTo: MessageType.void.rawValue,
                    message: "order \(void.orderID) was partly refunded: refund what is left instead",
                    receipt: void.receipt))
            return
        }
        let order = StoreOrder(orderID: void.orderID, receipt: void.receipt, sale: validated)
        guard
            journal(
                TransactionRecord(
                    kind: .void(void), receipt: void.receipt, orderID: void.orderID, period: log.period))
        else { return }
        logger.info("void \(void.receipt) of order \(void.orderID)")
        begin(order, stage: .cancelling)
        current?.registered = true
        current?.flow = Task { await self.runVoid(order) }
    }

    func runVoid(_ order: StoreOrder) async {
        do throws(SettlementGatewayError) {
            let outcome = try await gateway.void(order)
            finish(order.orderID, with: outcome)
        } catch {
            // A cancelled flow (registerd stopping, or an abort that finishes the sale itself) leaves
            // the outcome open: the journal keeps the transaction open and the next start resumes it.
            guard !Task.isCancelled else { return }
            finish(order.orderID, with: Self.outcome(for: error))
        }
    }
}
