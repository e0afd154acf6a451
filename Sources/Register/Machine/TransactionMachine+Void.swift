import RegisterProtocol

extension TransactionMachine {
    mutating func handleVoid(_ void: VoidRequest) {
        if let open = log.open {
            reply(.busy(Busy(receipt: open.receipt, message: "Busy with receipt \(open.receipt)")))
            return
        }
        if let earlier = log.void(withReceipt: void.receipt) {
            if case .void(let earlierVoid) = earlier.kind, earlierVoid == void, let result = earlier.result {
                reply(.result(result))
            } else {
                refuse(
                    .void, .duplicateReceipt, "receipt \(void.receipt) was already used for a different void",
                    void.receipt)
            }
            return
        }
        if log.refund(withReceipt: void.receipt) != nil {
            refuse(
                .void, .duplicateReceipt, "receipt \(void.receipt) was already used for a refund",
                void.receipt)
            return
        }
        guard let saleRecord = log.sale(withOrderID: void.orderID), case .sale(let sale) = saleRecord.kind,
            saleRecord.result?.status == .approved, let validated = try? sale.validated()
        else {
            refuse(.void, .noTransaction, "no approved sale with order id \(void.orderID)", void.receipt)
            return
        }
        guard !log.isVoided(orderID: void.orderID) else {
            refuse(.void, .noTransaction, "order \(void.orderID) is already voided", void.receipt)
            return
        }
        guard log.refunded(orderID: void.orderID) == 0 else {
            refuse(
                .void, .noTransaction,
                "order \(void.orderID) was partly refunded: refund what is left instead",
                void.receipt)
            return
        }
        let order = StoreOrder(orderID: void.orderID, receipt: void.receipt, sale: validated)
        journalNew(
            TransactionRecord(
                kind: .void(void), receipt: void.receipt, orderID: void.orderID, period: log.period),
            then: .void(order))
    }

    /// Starts (or resumes) a void: the settlement server gives the payment back.
    mutating func startVoid(_ order: StoreOrder, at now: ContinuousClock.Instant) {
        begin(order, stage: .cancelling, at: now)
        current?.registered = true
        let flow = call(.void(order), for: .void(order))
        current?.flow = flow
    }
}
