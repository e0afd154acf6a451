/// Checks a run's durable files against each other and against what the register learnt, to the
/// unit, and lists every violation:
///
/// 1. every bank approval whose hold is still active reached the register as approved: the
///    settlement result of its order is approved, registerd's journal has the sale approved, and
///    (when the register's view is given) the register got that approval by RESULT or STATUS;
///    a released hold is a reversal and needs nothing more, but its order must not be approved;
/// 2. nothing is charged twice: at most one active hold per order, no hold the acquirer does not
///    know, no receipt with two different approved outcomes at the register;
/// 3. the journal, the settlement history and the bank agree: every journal sale with a result
///    has the same status (and, approved, the same total and approval code) as its order, and the
///    approved, not reversed sums of the three are equal.
public enum SoakReconciler {
    /// Reconciles `ledgers`; `register` is what the register learnt per receipt (nil: not checked).
    public static func reconcile(
        _ ledgers: SoakLedgers, register: [String: [SoakRegisterOutcome]]? = nil
    )
        -> SoakReport
    {
        var violations: [String] = []
        let ordersByID = Dictionary(ledgers.orders.map { ($0.orderID, $0) }, uniquingKeysWith: { a, _ in a })
        var journalByOrder: [String: SoakLedgers.JournalSale] = [:]
        var receipts: [String: Int] = [:]
        for sale in ledgers.journal {
            receipts[sale.receipt, default: 0] += 1
            if let order = sale.orderID { journalByOrder[order] = sale }
        }
        for (receipt, count) in receipts where count > 1 {
            violations.append("receipt \(receipt) is journaled \(count) times")
        }
        let authorizationByKey = Dictionary(
            ledgers.authorizations.map { ("\($0.terminal)/\($0.stan)/\($0.transmission)", $0) },
            uniquingKeysWith: { a, _ in a })

        // 1 and 2: every hold the bank placed.
        var activeHoldsByOrder: [String: [SoakLedgers.BankHold]] = [:]
        for hold in ledgers.holds {
            let key = "\(hold.terminal)/\(hold.stan)/\(hold.transmission)"
            guard let authorization = authorizationByKey[key] else {
                if hold.status == "active" {
                    violations.append(
                        "bank hold STAN \(hold.stan) RRN \(hold.rrn) (¥\(hold.amount)) is active but no order asked for it"
                    )
                }
                continue
            }
            let orderID = authorization.orderID
            let order = ordersByID[orderID]
            if hold.status == "released" {
                if order?.status == "approved" {
                    violations.append(
                        "order \(orderID) is approved at the server but its bank hold (STAN \(hold.stan)) was released"
                    )
                }
                continue
            }
            activeHoldsByOrder[orderID, default: []].append(hold)
            guard order?.status == "approved" else {
                violations.append(
                    "bank approved order \(orderID) (¥\(hold.amount), STAN \(hold.stan)) and still holds the money, "
                        + "but the server's result is \(order?.status ?? order?.state ?? "missing"): neither settled nor reversed"
                )
                continue
            }
            if order?.total != hold.amount {
                violations.append(
                    "order \(orderID): the bank holds ¥\(hold.amount), the server approved ¥\(order?.total ?? 0)"
                )
            }
            guard let sale = journalByOrder[orderID] else {
                violations.append("bank approval of order \(orderID) is not in registerd's journal")
                continue
            }
            if sale.status != "approved" {
                violations.append(
                    "bank approval of order \(orderID) reached registerd's journal as \(sale.status ?? "open") (receipt \(sale.receipt))"
                )
            }
            if let register, !(register[sale.receipt] ?? []).contains(where: { $0.status == "approved" }) {
                violations.append(
                    "bank approval of order \(orderID) never reached the register (receipt \(sale.receipt): neither RESULT nor STATUS said approved)"
                )
            }
        }
        for (orderID, holds) in activeHoldsByOrder where holds.count > 1 {
            violations.append(
                "order \(orderID) is charged \(holds.count) times: active holds STAN \(holds.map(\.stan).joined(separator: ", "))"
            )
        }
        if let register {
            for (receipt, outcomes) in register.sorted(by: { $0.key < $1.key }) {
                let approvals = Set(
                    outcomes.filter { $0.status == "approved" }.map {
                        "\($0.orderID ?? "-")/\($0.approvalCode ?? "-")"
                    })
                if approvals.count > 1 {
                    violations.append(
                        "receipt \(receipt) was approved twice at the register: \(approvals.sorted())")
                }
                if Set(outcomes.map(\.status)).count > 1 {
                    violations.append(
                        "receipt \(receipt) got conflicting outcomes at the register: \(outcomes.map { "\($0.status) by \($0.via)" })"
                    )
                }
            }
        }

        // 3: journal against settlement, to the unit.
        for sale in ledgers.journal {
            guard let status = sale.status, let orderID = sale.orderID else { continue }
            guard let order = ordersByID[orderID] else {
                violations.append(
                    "journal sale \(sale.receipt) names order \(orderID), unknown to the server")
                continue
            }
            if order.status != status {
                violations.append(
                    "receipt \(sale.receipt) (order \(orderID)): journal says \(status), server says \(order.status ?? order.state)"
                )
            } else if status == "approved",
                order.total != sale.total || order.approvalCode != sale.approvalCode
            {
                violations.append(
                    "receipt \(sale.receipt) (order \(orderID)): journal approved ¥\(sale.total ?? 0) code \(sale.approvalCode ?? "-"), "
                        + "server ¥\(order.total ?? 0) code \(order.approvalCode ?? "-")")
            }
        }
        for sale in ledgers.journal where sale.status == nil {
            violations.append("journal sale \(sale.receipt) is still open: its outcome was never learnt")
        }
        let journalSum = ledgers.journal.filter { $0.status == "approved" }.reduce(Int64(0)) {
            $0 + ($1.total ?? 0)
        }
        let settlementSum = ledgers.orders.filter { $0.status == "approved" }.reduce(Int64(0)) {
            $0 + ($1.total ?? 0)
        }
        let bankSum = ledgers.holds.filter { $0.status == "active" }.reduce(Int64(0)) { $0 + $1.amount }
        if !(journalSum == settlementSum && settlementSum == bankSum) {
            violations.append(
                "approved sums differ: journal ¥\(journalSum), settlement ¥\(settlementSum), bank active holds ¥\(bankSum)"
            )
        }
        func count(_ status: String) -> Int { ledgers.journal.filter { $0.status == status }.count }
        return SoakReport(
            violations: violations,
            figures: [
                ("journal sales", ledgers.journal.count), ("journal approved", count("approved")),
                ("journal declined", count("declined")), ("journal cancelled", count("cancelled")),
                ("journal expired", count("expired")), ("journal error", count("error")),
                ("settlement orders", ledgers.orders.count),
                ("settlement approved", ledgers.orders.filter { $0.status == "approved" }.count),
                ("acquirer authorizations", ledgers.authorizations.count),
                ("bank approvals (00 with hold)", ledgers.bankApprovals),
                ("bank reversals", ledgers.bankReversals),
                ("bank holds active", ledgers.holds.filter { $0.status == "active" }.count),
                ("bank holds released", ledgers.holds.filter { $0.status == "released" }.count),
                ("approved ¥ journal", Int(journalSum)), ("approved ¥ settlement", Int(settlementSum)),
                ("approved ¥ bank (active holds)", Int(bankSum)),
            ])
    }
}
