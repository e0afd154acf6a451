import RegisterProtocol

extension RegisterService {
    /// Journals a new transaction before anything is done for it. When the journal cannot be
    /// written, the request ends at once with RESULT `internal-error` (not paid, nothing sent to
    /// the settlement server) and `false` is returned.
    func journal(_ record: TransactionRecord) -> Bool {
        do {
            try log.append(record)
            return true
        } catch {
            logger.critical("receipt \(record.receipt) refused: \(error)")
            reply(
                TransactionResult(
                    receipt: record.receipt, status: .error, reason: ResultReason.internalError.rawValue,
                    message: "Journal unavailable: not paid"))
            return false
        }
    }

    /// Carries on with a transaction that was open when registerd stopped (crash, power cut):
    /// the sale's flow runs again with the same order id (the first request is idempotent at the
    /// settlement server), so its outcome is learnt and journaled, and STATUS reports it.
    func resumeOpenTransaction() {
        guard let open = log.open, let orderID = open.orderID else { return }
        switch open.kind {
        case .sale(let sale):
            guard let validated = try? sale.validated() else { return }
            let order = StoreOrder(orderID: orderID, receipt: open.receipt, sale: validated)
            logger.notice("resuming receipt \(open.receipt) (order \(orderID)) after a restart")
            begin(order, stage: .registering)
            current?.registered = open.registered
            current?.flow = Task { await self.runSale(order) }
        case .void(let void):
            guard let saleRecord = log.sale(withOrderID: void.orderID),
                case .sale(let sale) = saleRecord.kind,
                let validated = try? sale.validated()
            else { return }
            let order = StoreOrder(orderID: void.orderID, receipt: void.receipt, sale: validated)
            logger.notice("resuming void \(void.receipt) (order \(void.orderID)) after a restart")
            begin(order, stage: .cancelling)
            current?.registered = true
            current?.flow = Task { await self.runVoid(order) }
        case .refund(let refund):
            guard let saleRecord = log.sale(withOrderID: refund.orderID),
                case .sale(let sale) = saleRecord.kind,
                let validated = try? sale.validated()
            else { return }
            let order = StoreOrder(orderID: refund.orderID, receipt: refund.receipt, sale: validated)
            logger.notice("resuming refund \(refund.receipt) (order \(refund.orderID)) after a restart")
            startRefund(refund, of: order)
        }
    }
}
