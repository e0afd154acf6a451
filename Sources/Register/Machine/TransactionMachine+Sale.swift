import PairPayCore
import RegisterProtocol

extension TransactionMachine {
    mutating func handleSale(_ sale: Sale, at now: ContinuousClock.Instant) {
        if let open = log.open {
            if case .sale(let openSale) = open.kind, open.receipt == sale.receipt, openSale == sale {
                note(.info, "sale \(sale.receipt) sent again; carrying on with order \(open.orderID ?? "-")")
                resendPaymentRequest(at: now)
                return
            }
            reply(.busy(Busy(receipt: open.receipt, message: "Busy with receipt \(open.receipt)")))
            return
        }
        if let earlier = log.sale(withReceipt: sale.receipt) {
            if case .sale(let earlierSale) = earlier.kind, earlierSale == sale, let result = earlier.result {
                note(
                    .info,
                    "sale \(sale.receipt) already ended (\(result.status.name)); sending its result again")
                reply(.result(result))
            } else {
                refuse(
                    .sale, .duplicateReceipt, "receipt \(sale.receipt) was already used for a different sale",
                    sale.receipt)
            }
            return
        }
        if log.refund(withReceipt: sale.receipt) != nil {
            refuse(
                .sale, .duplicateReceipt, "receipt \(sale.receipt) was already used for a refund",
                sale.receipt)
            return
        }
        let validated: ValidatedSale
        do {
            validated = try sale.validated()
        } catch {
            note(.info, "sale \(sale.receipt) refused: \(error)")
            refuse(.sale, .invalidSale, error.description, sale.receipt)
            return
        }
        let order = StoreOrder(
            orderID: orderIDs.next(using: &randomness), receipt: sale.receipt, sale: validated)
        note(.info, "sale \(sale.receipt): order \(order.orderID) for \(order.total)")
        journalNew(
            TransactionRecord(
                kind: .sale(sale), receipt: sale.receipt, orderID: order.orderID, period: log.period),
            then: .sale(order))
    }

    /// Starts (or, after a restart, resumes) a sale's flow: the first request, then its outcome.
    mutating func startSale(_ order: StoreOrder, registered: Bool, at now: ContinuousClock.Instant) {
        begin(order, stage: .registering, at: now)
        current?.registered = registered
        let flow = call(.register(order), for: .register(order))
        current?.flow = flow
    }

    /// The settlement server has the order. The journal notes that first: once the customer can
    /// pay, a restart must ask the server how the sale ended rather than end it itself. Then the
    /// register gets the payment request, and the flow waits for the outcome.
    mutating func registered(
        _ order: StoreOrder, _ invitation: PaymentInvitation, at now: ContinuousClock.Instant
    ) {
        guard isOpen(order) else { return }
        current?.invitation = invitation
        current?.deadline = now + invitation.expiresIn
        if log.open?.registered == true {
            // Resumed after a restart: the journal has it already.
            showPaymentRequest(at: now)
        } else {
            write(.markRegistered(journalID: log.open?.journalID))
        }
    }

    /// The order's registration is journaled: the payment request goes out and the flow waits for
    /// the outcome.
    mutating func showPaymentRequest(at now: ContinuousClock.Instant) {
        guard let open = current, let deadline = open.deadline else { return }
        current?.registered = true
        current?.flowRetryDelay = Self.firstCancelRetry
        resendPaymentRequest(at: now)
        setStage(.waitingForPhone, for: open.order.orderID, at: now)
        let flow = call(.outcome(open.order, until: deadline), for: .outcome(open.order))
        current?.flow = flow
    }

    /// The first request failed. A new sale ends (no payment request was shown: nothing can be
    /// paid). A sale resumed after a restart had its payment request out, and the customer may
    /// have paid meanwhile: it keeps asking (PROGRESS reconnecting) until the server answers.
    mutating func registerFailed(
        _ order: StoreOrder, _ error: SettlementGatewayError, at now: ContinuousClock.Instant
    ) {
        guard let open = current, open.order.orderID == order.orderID else { return }
        switch error {
        case .unreachable where open.registered, .noAnswer where open.registered:
            note(
                .warning,
                "receipt \(order.receipt): the settlement server did not take the resumed order again (\(error)); asking again"
            )
            setStage(.reconnecting, for: order.orderID, at: now)
            outputs.append(.startTimer(.flowRetry, at: now + open.flowRetryDelay))
            current?.flowRetryDelay = min(open.flowRetryDelay * 2, Self.longestCancelRetry)
        default:
            settle(order.orderID, with: Self.outcome(for: error), at: now)
        }
    }

    /// PAYMENT REQUEST for the open sale, once its order is registered.
    mutating func resendPaymentRequest(at now: ContinuousClock.Instant) {
        guard let open = current, let invitation = open.invitation else { return }
        let seconds = open.deadline.map { deadline in Self.wholeSeconds(until: deadline, from: now) } ?? 0
        reply(
            .paymentRequest(
                PaymentRequest(
                    receipt: open.order.receipt, orderID: open.order.orderID,
                    currencyCode: open.order.total.currency.code, total: open.order.total.minorUnits,
                    phonePayload: invitation.phonePayload, expiresIn: seconds)))
    }

    /// An ERROR in reply to a request of the register.
    mutating func refuse(_ request: MessageType, _ code: ErrorCode, _ message: String, _ receipt: String?) {
        reply(.error(ErrorReply(code: code, inReplyTo: request.rawValue, message: message, receipt: receipt)))
    }
}
