import PairPayCore
import RegisterProtocol

extension TransactionMachine {
    /// REFUND: gives back part or all of an approved sale. Checked here first (the sale is this
    /// register's, approved, not voided; the currency is the sale's; the amount is at least 1 and
    /// at most what earlier refunds left), journaled, then asked of the settlement server under a
    /// refund id made from the terminal and the receipt, so a repeat or a restart never refunds twice.
    mutating func handleRefund(_ refund: Refund) {
        if let open = log.open {
            reply(.busy(Busy(receipt: open.receipt, message: "Busy with receipt \(open.receipt)")))
            return
        }
        if let earlier = log.refund(withReceipt: refund.receipt) {
            guard case .refund(let earlierRefund) = earlier.kind, earlierRefund == refund else {
                refuse(
                    .refund, .duplicateReceipt,
                    "receipt \(refund.receipt) was already used for a different refund",
                    refund.receipt)
                return
            }
            // The same refund again: its result, unless it ended without one (the settlement server
            // could not be reached), when it is asked again under the same refund id.
            if let result = earlier.result, result.status != .error {
                reply(.result(result))
                return
            }
        } else if log.transaction(withReceipt: refund.receipt) != nil {
            refuse(
                .refund, .duplicateReceipt, "receipt \(refund.receipt) was already used for a sale or void",
                refund.receipt)
            return
        }
        guard let saleRecord = log.sale(withOrderID: refund.orderID), case .sale(let sale) = saleRecord.kind,
            saleRecord.result?.status == .approved, let validated = try? sale.validated()
        else {
            refuse(
                .refund, .noTransaction, "no approved sale with order id \(refund.orderID)", refund.receipt)
            return
        }
        if let problem = refundProblem(refund, sale: validated) {
            refuse(.refund, .invalidRefund, problem, refund.receipt)
            return
        }
        let order = StoreOrder(orderID: refund.orderID, receipt: refund.receipt, sale: validated)
        let id = Self.refundID(terminal: configuration.terminalID, receipt: refund.receipt)
        journalNew(
            TransactionRecord(
                kind: .refund(refund), receipt: refund.receipt, orderID: refund.orderID, period: log.period),
            then: .refund(refund, order, refundID: id))
    }

    /// Why the register's refund cannot be right, in words for the cashier; nil when it can.
    func refundProblem(_ refund: Refund, sale: ValidatedSale) -> String? {
        if log.isVoided(orderID: refund.orderID) {
            return "order \(refund.orderID) was voided: its money is back already"
        }
        guard refund.currencyCode == sale.total.currency.code else {
            return "the refund must be in the sale's currency, \(sale.total.currency.code)"
        }
        let left = sale.total.minorUnits - log.refunded(orderID: refund.orderID)
        guard refund.total >= 1, refund.total <= left else {
            return "the refund must be 1 to \(left) (what is left of the sale's \(sale.total.minorUnits))"
        }
        return nil
    }

    /// Runs (or resumes) the refund under `id`.
    mutating func startRefund(
        _ refund: Refund, of order: StoreOrder, id: String, at now: ContinuousClock.Instant
    ) {
        begin(order, stage: .refunding, at: now)
        current?.registered = true
        let amount = Money(minorUnits: refund.total, currency: order.total.currency)
        current?.resultTotal = amount
        let deadline = now + configuration.refundTimeout
        let flow = call(
            .refund(order, refundID: id, amount: amount, until: deadline), for: .refund(order))
        current?.flow = flow
    }

    /// The settlement server's id of a register's refund: `<terminal>-<receipt>` when that is a
    /// valid refund id (1–64 of `A–Z a–z 0–9 - . _ ~`), else `rf-` and 32 hex digits of two
    /// FNV-1a 64 hashes of terminal and receipt (not a secret, only a stable name). Receipts are
    /// unique per register and terminal ids per lane, so it is unique per merchant, and the same
    /// for every repeat of the refund.
    public static func refundID(terminal: String, receipt: String) -> String {
        let readable = "\(terminal)-\(receipt)"
        if OrderContents.isValidIdentifier(readable, maxLength: 64) { return readable }
        let bytes = Array("\(terminal)\n\(receipt)".utf8)
        func fnv(_ basis: UInt64) -> String {
            var hash = basis
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
            let hex = String(hash, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }
        return "rf-" + fnv(0xcbf2_9ce4_8422_2325) + fnv(0x8422_2325_cbf2_9ce4)
    }
}
