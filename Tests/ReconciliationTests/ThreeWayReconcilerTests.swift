import BankHost
import Foundation
import PairPayCore
import RegisterProtocol
import Testing

@testable import Reconciliation

/// The reconciler over hand-made records: each rule exactly (the same reconciler runs over real
/// files in the soak and the in-store tests).
@Suite struct ThreeWayReconcilerTests {
    static let noon = Date(timeIntervalSince1970: 1_796_212_800)  // 2026-12-02 12:00 UTC
    static func yen(_ amount: Int64) -> Money { Money(minorUnits: amount, currency: .jpy) }

    static func sale(
        _ order: String, _ status: ResultStatus?, lane: String = "L1", total: Int64 = 1155
    )
        -> LedgerSnapshot.JournalTransaction
    {
        .init(
            lane: lane, kind: .sale, receipt: "R-\(order)", orderID: order, status: status, reason: nil,
            total: total, currency: "JPY", createdAt: noon)
    }

    static func order(
        _ id: String, _ status: SettlementStatus?, lane: String? = "L1", total: Int64 = 1155
    )
        -> LedgerSnapshot.Order
    {
        .init(
            merchantID: "M", orderID: id, laneID: lane, isFinal: status != nil, status: status,
            total: yen(total),
            createdAt: noon)
    }

    static func authorization(_ order: String, stan: String) -> LedgerSnapshot.Authorization {
        .init(
            orderID: order, terminal: "T1      ", stan: stan, transmission: "1202120000", amount: 1155,
            state: "approved")
    }

    static func entry(
        _ seq: Int64, _ event: String, hold: Int64, stan: String, amount: Int64 = 1155
    ) -> LedgerEntry {
        let json = """
            {"seq":\(seq),"at":"2026-12-02T12:00:00Z","event":"\(event)","mti":"0100","amount":\(amount),
            "currency":"JPY","terminal":"T1      ","stan":"\(stan)","transmission":"1202120000",
            "response_code":"00","hold_id":\(hold)}
            """
        return try! JSONDecoder().decode(LedgerEntry.self, from: Data(json.utf8))
    }

    @Test func agreeingPartiesGiveOneRowAndNoDifference() throws {
        // PP-1 approved and captured, refunded 155; PP-2 approved, voided before capture.
        var void = Self.sale("PP-2", .cancelled)
        void.kind = .void
        void.receipt = "V-1"
        var refund = Self.sale("PP-1", .approved, total: 155)
        refund.kind = .refund
        refund.receipt = "F-1"
        let snapshot = LedgerSnapshot(
            journal: [Self.sale("PP-1", .approved), Self.sale("PP-2", .approved), void, refund],
            orders: [Self.order("PP-1", .approved), Self.order("PP-2", .cancelled)],
            refunds: [
                .init(
                    refundID: "L1-F-1", orderID: "PP-1", amount: Self.yen(155), isFinal: true, approved: true)
            ],
            authorizations: [
                Self.authorization("PP-1", stan: "000001"), Self.authorization("PP-2", stan: "000002"),
            ],
            bank: [
                Self.entry(1, "authorization", hold: 1, stan: "000001"),
                Self.entry(2, "authorization", hold: 2, stan: "000002"),
                Self.entry(3, "reversal", hold: 2, stan: "000003"),
                Self.entry(4, "capture", hold: 1, stan: "000004"),
                Self.entry(5, "capture", hold: 1, stan: "000005"),  // a repeat posts nothing more
                Self.entry(6, "refund", hold: 1, stan: "000006", amount: 155),
            ])
        let report = ThreeWayReconciler.reconcile(snapshot)
        #expect(report.agrees && report.pending.isEmpty, "\(report.differences)")
        #expect(report.rows.count == 1)
        let row = try #require(report.rows.first)
        #expect(row.day == "2026-12-02" && row.lane == "L1" && row.orders == 2)
        #expect(row.registerd == 1000 && row.settlementd == 1000 && row.bank == 1000)
        #expect(report.text.contains("result: the three parties agree to the unit"))
        #expect(report.csv.components(separatedBy: "\n").filter { !$0.isEmpty }.count == 2)
    }

    @Test func everyDisagreementIsNamedToTheUnit() throws {
        let snapshot = LedgerSnapshot(
            journal: [Self.sale("PP-1", .approved, total: 1255), Self.sale("PP-3", nil)],
            orders: [Self.order("PP-1", .approved), Self.order("PP-2", .approved)],
            refunds: [],
            authorizations: [
                Self.authorization("PP-1", stan: "000001"), Self.authorization("PP-2", stan: "000002"),
                Self.authorization("PP-2", stan: "000003"),
            ],
            bank: [
                Self.entry(1, "authorization", hold: 1, stan: "000001"),
                Self.entry(2, "authorization", hold: 2, stan: "000002"),
                Self.entry(3, "authorization", hold: 3, stan: "000003"),
                Self.entry(4, "authorization", hold: 4, stan: "000099"),
            ])
        let report = ThreeWayReconciler.reconcile(snapshot)
        #expect(!report.agrees)
        let texts = report.differences.map { "\($0.orderID ?? "-"): \($0.text)" }
        #expect(texts.contains("PP-1: kept: registerd JPY 1255, settlementd JPY 1155, bank JPY 1155"))
        #expect(texts.contains("PP-2: the bank keeps money of 2 holds for this order: charged twice"))
        #expect(texts.contains("PP-2: kept: registerd JPY 0, settlementd JPY 1155, bank JPY 2310"))
        #expect(texts.contains { $0.hasPrefix("-: the bank keeps money of hold #4 (held 1155)") })
        #expect(report.pending.map(\.text) == ["sale R-PP-3 is still open"])
        #expect(try report.json.contains("\"agrees\" : false"))
        #expect(ThreeWayReconciler.reconcile(snapshot, day: "2026-12-01").rows.isEmpty)
    }
}
