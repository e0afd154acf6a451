import BankHost
import Foundation
import PairPayCore
import RegisterProtocol

/// The three-way reconciliation, to the unit: for every order, the money each party says the
/// store keeps — registerd's journal (an approved sale, less its refunds; nothing once voided),
/// the settlement server (its approved result, less its approved refunds), the bank (a hold still
/// active, or what it captured less what it refunded; nothing once released) — must be the same.
/// Pure: it only reads a ``LedgerSnapshot``.
public enum ThreeWayReconciler {
    /// Reconciles `snapshot`; only sales of `day` (`YYYY-MM-DD`, UTC) when given.
    public static func reconcile(_ snapshot: LedgerSnapshot, day: String? = nil) -> ReconciliationReport {
        var differences: [ReconciliationReport.Line] = []
        var pending: [ReconciliationReport.Line] = []
        let ordersByID = Dictionary(snapshot.orders.map { ($0.orderID, $0) }, uniquingKeysWith: { a, _ in a })
        let journalLanes = Set(snapshot.journal.map(\.lane))

        // registerd: per order, the sale and what its voids and refunds did.
        var sales: [String: LedgerSnapshot.JournalTransaction] = [:]
        var registerdKept: [String: Int64] = [:]
        for transaction in snapshot.journal {
            guard let orderID = transaction.orderID else { continue }
            if transaction.kind == .sale { sales[orderID] = transaction }
        }
        for transaction in snapshot.journal {
            guard let orderID = transaction.orderID else { continue }
            if transaction.status == nil {
                pending.append(
                    .init(transaction, "\(transaction.kind.rawValue) \(transaction.receipt) is still open"))
                continue
            }
            switch (transaction.kind, transaction.status) {
            case (.sale, .approved): registerdKept[orderID, default: 0] += transaction.total ?? 0
            case (.void, .cancelled): registerdKept[orderID, default: 0] -= transaction.total ?? 0
            case (.refund, .approved): registerdKept[orderID, default: 0] -= transaction.total ?? 0
            default: break
            }
        }

        // The settlement server: the approved result, less the approved refunds. A cancel after the
        // capture refunds in full (`cancel:`) and ends the order cancelled: nothing kept either way.
        var settlementKept: [String: Int64] = [:]
        for order in snapshot.orders where order.status == .approved {
            settlementKept[order.orderID] = order.total?.minorUnits ?? 0
        }
        for refund in snapshot.refunds
        where refund.approved && !refund.refundID.hasPrefix(RefundRequest.cancelPrefix) {
            if ordersByID[refund.orderID]?.status == .approved {
                settlementKept[refund.orderID, default: 0] -= refund.amount.minorUnits
            }
        }
        for refund in snapshot.refunds where !refund.isFinal {
            pending.append(
                .init(order: refund.orderID, "refund \(refund.refundID) waits for the bank's answer"))
        }
        for order in snapshot.orders where !order.isFinal && order.laneID.map(journalLanes.contains) ?? true {
            // Only a lane reconciled here (or an order of no lane) is the report's business.
            if sales[order.orderID] != nil || order.laneID != nil {
                pending.append(.init(order: order.orderID, "order \(order.orderID) is not decided yet"))
            }
        }

        // The bank: holds by the authorization that placed them, and what became of each.
        let bank = BankPositions(snapshot.bank)
        var bankKept: [String: Int64] = [:]
        var knownHolds: Set<Int64> = []
        var holdsByOrder: [String: [Int64]] = [:]
        for authorization in snapshot.authorizations {
            let key = "\(authorization.terminal)/\(authorization.stan)/\(authorization.transmission)"
            guard let hold = bank.holdByAuthorization[key] else { continue }
            knownHolds.insert(hold)
            holdsByOrder[authorization.orderID, default: []].append(hold)
        }
        for (orderID, holds) in holdsByOrder {
            bankKept[orderID] = holds.reduce(0) { $0 + bank.kept($1) }
            let live = holds.filter { bank.kept($0) > 0 }
            if live.count > 1 {
                differences.append(
                    .init(
                        order: orderID,
                        "the bank keeps money of \(live.count) holds for this order: charged twice"))
            }
        }
        for hold in bank.holds.keys.sorted() where !knownHolds.contains(hold) && bank.kept(hold) > 0 {
            differences.append(
                .init(
                    order: nil,
                    "the bank keeps money of hold #\(hold) (\(bank.describe(hold))) that no authorization of the acquirer placed"
                ))
        }

        // Every order any party knows, compared to the unit, and added up per day and lane.
        let allOrders = Set(sales.keys).union(settlementKept.keys).union(bankKept.keys).union(
            registerdKept.keys)
        var rows: [ReconciliationReport.RowKey: ReconciliationReport.Row] = [:]
        for orderID in allOrders.sorted() {
            let sale = sales[orderID]
            let order = ordersByID[orderID]
            // Orders of lanes whose journal is not here are compared between settlementd and the bank.
            let laneKnown = sale != nil || (order?.laneID.map(journalLanes.contains) ?? false)
            let lane = sale?.lane ?? order?.laneID ?? "-"
            let date = sale?.createdAt ?? order?.createdAt
            let dayText = date.map(Self.day) ?? "-"
            if let day, dayText != day { continue }
            let currency = sale?.currency ?? order?.total?.currency.code ?? "-"
            let ours = laneKnown ? (registerdKept[orderID] ?? 0) : nil
            let theirs = settlementKept[orderID] ?? 0
            let banks = bankKept[orderID] ?? 0
            let key = ReconciliationReport.RowKey(day: dayText, lane: lane, currency: currency)
            var row = rows[key] ?? ReconciliationReport.Row(day: dayText, lane: lane, currency: currency)
            row.orders += 1
            row.registerd = ours.map { (row.registerd ?? 0) + $0 } ?? row.registerd
            row.settlementd += theirs
            row.bank += banks
            let isPending = pending.contains { $0.orderID == orderID }
            if !isPending, (ours.map { $0 != theirs } ?? false) || theirs != banks {
                row.differences += 1
                let money = { (amount: Int64) in Money.description(minorUnits: amount, currencyCode: currency)
                }
                differences.append(
                    .init(
                        day: dayText, lane: lane, order: orderID, receipt: sale?.receipt,
                        "kept: registerd \(ours.map(money) ?? "n/a"), settlementd \(money(theirs)), bank \(money(banks))"
                    ))
            }
            rows[key] = row
        }
        return ReconciliationReport(
            rows: rows.values.sorted { ($0.day, $0.lane, $0.currency) < ($1.day, $1.lane, $1.currency) },
            differences: differences, pending: pending)
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
