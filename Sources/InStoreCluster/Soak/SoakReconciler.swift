import Reconciliation
import RegisterProtocol

/// Checks a run's durable files against each other and against what the register learnt, to the
/// unit, and lists every violation:
///
/// 1. the three-way reconciliation (``ThreeWayReconciler``, the one `pairpay reconcile` runs):
///    for every order, the money registerd's journal, the settlement server and the bank say the
///    store keeps is the same, no order is charged twice, the bank keeps nothing no authorization
///    placed; and, once the run settled, nothing is still in flight;
/// 2. the journal and the settlement history end every sale the same way;
/// 3. what the register learnt: every sale the journal has approved reached the register as
///    approved (RESULT or STATUS), and no receipt got two different outcomes.
public enum SoakReconciler {
    /// Reconciles `snapshot`; `register` is what the register learnt per receipt (nil: not checked).
    public static func reconcile(
        _ snapshot: LedgerSnapshot, register: [String: [SoakRegisterOutcome]]? = nil
    ) -> SoakReport {
        let money = ThreeWayReconciler.reconcile(snapshot)
        var violations = money.differences.map { line in
            [line.orderID.map { "order \($0)" }, line.receipt.map { "receipt \($0)" }].compactMap { $0 }
                .joined(separator: ", ") + ": " + line.text
        }
        violations += money.pending.map {
            "still in flight after the run settled: \($0.orderID ?? "-"): \($0.text)"
        }

        let sales = snapshot.journal.filter { $0.kind == .sale }
        var receipts: [String: Int] = [:]
        for sale in sales { receipts[sale.receipt, default: 0] += 1 }
        for (receipt, count) in receipts.sorted(by: { $0.key < $1.key }) where count > 1 {
            violations.append("receipt \(receipt) is journaled \(count) times")
        }
        let orders = Dictionary(snapshot.orders.map { ($0.orderID, $0) }, uniquingKeysWith: { a, _ in a })
        for sale in sales {
            guard let status = sale.status, let orderID = sale.orderID else { continue }
            guard let order = orders[orderID] else {
                violations.append(
                    "journal sale \(sale.receipt) names order \(orderID), unknown to the server")
                continue
            }
            let theirs = order.status?.rawValue ?? "undecided"
            // A sale voided later ends approved at the register and cancelled at the server.
            let voided = snapshot.journal.contains {
                $0.kind == .void && $0.orderID == orderID && $0.status == .cancelled
            }
            if status.name != theirs, !(voided && status == .approved && theirs == "cancelled") {
                violations.append(
                    "receipt \(sale.receipt) (order \(orderID)): journal says \(status.name), server says \(theirs)"
                )
            }
        }
        if let register {
            for sale in sales where sale.status == .approved {
                if !(register[sale.receipt] ?? []).contains(where: { $0.status == "approved" }) {
                    violations.append(
                        "the approval of order \(sale.orderID ?? "-") never reached the register (receipt \(sale.receipt): neither RESULT nor STATUS said approved)"
                    )
                }
            }
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
        func count(_ status: ResultStatus) -> Int { sales.filter { $0.status == status }.count }
        let refunds = snapshot.journal.filter { $0.kind == .refund }
        let events = { (event: String) in
            snapshot.bank.filter { $0.event == event && $0.responseCode == "00" }.count
        }
        var figures: [(String, Int)] = [
            ("journal sales", sales.count), ("journal approved", count(.approved)),
            ("journal declined", count(.declined)), ("journal cancelled", count(.cancelled)),
            ("journal expired", count(.expired)), ("journal error", count(.error)),
            ("journal refunds", refunds.count),
            ("journal refunds approved", refunds.filter { $0.status == .approved }.count),
            ("settlement orders", snapshot.orders.count),
            ("settlement approved", snapshot.orders.filter { $0.status == .approved }.count),
            ("settlement refunds approved", snapshot.refunds.filter(\.approved).count),
            ("acquirer authorizations", snapshot.authorizations.count),
            ("bank approvals", events("authorization")), ("bank reversals", events("reversal")),
            ("bank captures", events("capture")), ("bank refunds", events("refund")),
            ("bank reconciliations", snapshot.bank.filter { $0.event == "reconciliation" }.count),
        ]
        for row in money.rows {
            figures.append(
                ("kept \(row.currency) registerd (\(row.day), \(row.lane))", Int(row.registerd ?? 0)))
            figures.append(
                ("kept \(row.currency) settlementd (\(row.day), \(row.lane))", Int(row.settlementd)))
            figures.append(("kept \(row.currency) bank (\(row.day), \(row.lane))", Int(row.bank)))
        }
        return SoakReport(violations: violations, figures: figures)
    }
}
