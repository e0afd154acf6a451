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

    /// A void whose answer was lost may have given the money back: it keeps asking (the cancel is
    /// idempotent at the server) until the server answers; so does one resumed after a restart,
    /// whose first attempt may have arrived. One that certainly never reached the server, or that
    /// it refused, ends: the sale stays paid.
    mutating func voidFailed(
        _ order: StoreOrder, _ error: SettlementGatewayError, at now: ContinuousClock.Instant
    ) {
        guard let open = current, open.order.orderID == order.orderID else { return }
        let keepAsking =
            switch error {
            case .noAnswer: true
            case .unreachable: open.mayHaveReachedServer
            default: false
            }
        guard keepAsking else {
            finish(order.orderID, with: Self.outcome(for: error), at: now)
            return
        }
        current?.mayHaveReachedServer = true
        note(
            .warning,
            "void \(order.receipt) has no answer from the settlement server (\(error)); asking again")
        outputs.append(.startTimer(.flowRetry, at: now + open.flowRetryDelay))
        current?.flowRetryDelay = min(open.flowRetryDelay * 2, Self.longestCancelRetry)
    }
}
