import Foundation
import GRDB
import InStoreCluster
import PairPayCore
import RegisterProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: one merchant with two lanes (two registerd, each its own register, terminal id and
/// push endpoint), all real processes: both lanes sell, one voids and refunds, each closes its day
/// with END OF DAY and gets registerd's, settlementd's and the bank's counts; a doctored journal
/// is named as a difference.
@Suite("In store: two lanes and the end of day", .serialized)
struct EndOfDayInStoreTests {
    struct TwoLanes {
        let cluster: InStoreCluster
        let one: SimulatedRegister
        let two: SimulatedRegister
        let lanes: [InStoreCluster.Lane]
    }

    static func withTwoLanes(_ body: (TwoLanes) async throws -> Void) async throws {
        var template = Array("/tmp/pairpay-lanes-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        let cluster = try InStoreCluster(directory: directory, executables: ClusterExecutables())
        do {
            try await cluster.prepare(pushEndpoint: false)
            let lanes = [
                try await cluster.enrollLane("PP-LANE-1", terminalID: "T0000001"),
                try await cluster.enrollLane("PP-LANE-2", terminalID: "T0000002"),
            ]
            try await cluster.startBank()
            try await cluster.startSettlement()
            let one = try SimulatedRegister()
            let two = try SimulatedRegister()
            // Results only by push: each lane's reach its own registerd, or the sale never ends.
            try await cluster.startLane(lanes[0], devicePath: one.devicePath, resultPaths: ["push"])
            try await cluster.startLane(lanes[1], devicePath: two.devicePath, resultPaths: ["push"])
            try await one.hello()
            try await two.hello()
            try await body(TwoLanes(cluster: cluster, one: one, two: two, lanes: lanes))
            await cluster.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        } catch {
            await cluster.shutdown()
            Issue.record("logs kept in \(directory)")
            throw error
        }
    }

    static func sell(
        _ register: SimulatedRegister, _ cluster: InStoreCluster, receipt: String, as user: String
    ) async throws -> String {
        let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: receipt))
        #expect(try await cluster.pay(as: user, payload: request.phonePayload).status == 0)
        let result = try await register.waitForResult(within: .seconds(60))
        #expect(result.status == .approved && result.receipt == receipt)
        // What the register prints on the receipt, from the signed result.
        let printed = try #require(result.receiptData, "RESULT approved without receipt fields")
        #expect(printed.rrn.count == 12 && printed.stan.count == 6)
        #expect(printed.cardBrand == (user == "bob" ? "mastercard" : "visa"))
        #expect(["T0000001", "T0000002"].contains(printed.acquirerTerminal))
        return request.orderID
    }

    @Test("two lanes sell, void, refund and close their day; registerd, settlementd and the bank agree")
    func twoLanesCloseTheirDay() async throws {
        try await Self.withTwoLanes { setup in
            let cluster = setup.cluster
            let first = try await Self.sell(setup.one, cluster, receipt: "R-1", as: "alice")
            let second = try await Self.sell(setup.one, cluster, receipt: "R-2", as: "bob")
            _ = try await Self.sell(setup.two, cluster, receipt: "S-1", as: "dave")
            try await setup.one.send(.void(VoidRequest(receipt: "V-1", orderID: second)))
            #expect(try await setup.one.waitForResult(within: .seconds(60)).reason == "voided")
            try await setup.one.refund(receipt: "F-1", orderID: first, total: 155)
            #expect(try await setup.one.waitForResult(within: .seconds(60)).reason == "refunded")

            let day = try await setup.one.endOfDay()
            #expect(day.batchID == "PP-LANE-1-1" && day.balance == .balanced && day.periodClosed)
            #expect(day.differences.isEmpty, "\(day.differences)")
            let lane1 = CurrencyTotals(
                currencyCode: "JPY", approvedCount: 2, approvedAmount: 2310, voidedCount: 1,
                voidedAmount: 1155,
                refundedCount: 1, refundedAmount: 155)
            let registerd = day.totals.first { $0.source == .registerd }?.totals
            var settled = lane1
            settled.declinedCount = 0
            #expect(registerd == lane1)
            #expect(day.totals.first { $0.source == .settlementd }?.totals == settled)
            // The bank posted one capture (R-1; R-2 was reversed before capture) and the refund.
            #expect(
                day.totals.first { $0.source == .bank }?.totals
                    == CurrencyTotals(
                        currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155, refundedCount: 1,
                        refundedAmount: 155))

            let other = try await setup.two.endOfDay()
            #expect(other.batchID == "PP-LANE-2-1" && other.balance == .balanced, "\(other.differences)")
            #expect(
                other.totals.map(\.source) == [.registerd, .settlementd, .bank]
                    && other.totals.allSatisfy {
                        $0.totals.approvedCount == 1 && $0.totals.approvedAmount == 1155
                    })
            // Each lane's sales went to the bank under its own terminal id.
            #expect(try await cluster.bankEntries(event: "capture").count == 2)
            // The next day starts empty on lane 1.
            #expect(try await setup.one.totals(closePeriod: false).currencies.isEmpty)
            // Asked about again, an earlier batch is the same.
            let again = try await setup.one.endOfDay(batchID: "PP-LANE-1-1")
            #expect(again.balance == .balanced && again.totals == day.totals)

            // The three-way reconciliation over the files agrees, per lane.
            let (status, output) = try await cluster.reconcile(lanes: setup.lanes)
            #expect(status == 0, "\(output)")
            let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
            #expect(report?["agrees"] as? Bool == true)
            let rows = report?["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["lane"] as? String } == ["PP-LANE-1", "PP-LANE-2"])
            // Lane 1 keeps R-1 less its refund (R-2 voided); lane 2 keeps S-1.
            #expect(rows.map { ($0["bank"] as? NSNumber)?.int64Value } == [1000, 1155])
            #expect(rows.map { ($0["registerd"] as? NSNumber)?.int64Value } == [1000, 1155])
        }
    }

    @Test("a sale doctored in one lane's journal is named as a difference at END OF DAY")
    func aDoctoredJournalIsNamed() async throws {
        try await Self.withTwoLanes { setup in
            let cluster = setup.cluster
            _ = try await Self.sell(setup.one, cluster, receipt: "R-1", as: "alice")
            _ = try await Self.sell(setup.two, cluster, receipt: "S-1", as: "alice")
            // Someone changes the sale's amount in lane 1's journal while registerd is stopped.
            await cluster.laneRegisterds["PP-LANE-1"]?.stop()
            let journal = try DatabaseQueue(path: setup.lanes[0].journalPath)
            try await journal.write { db in
                let row = try #require(
                    try Row.fetchOne(
                        db, sql: "SELECT id, result FROM register_transaction WHERE receipt = 'R-1'"))
                var result = try TransactionResult(fields: FieldReader<Field>(Array(row["result"] as Data)))
                result.total = 1255
                try db.execute(
                    sql: "UPDATE register_transaction SET result = ? WHERE id = ?",
                    arguments: [Data(result.payload), row["id"] as Int64])
            }
            try await cluster.startLane(
                setup.lanes[0], devicePath: setup.one.devicePath, resultPaths: ["push"])
            try await setup.one.hello()

            let day = try await setup.one.endOfDay()
            #expect(day.balance == .outOfBalance && day.periodClosed)
            #expect(day.differences == ["JPY net sales: registerd 1 (JPY 1255), settlementd 1 (JPY 1155)"])
            // The reconciliation names the order, the receipt and the three amounts, and fails.
            let (status, output) = try await cluster.reconcile(lanes: setup.lanes, format: "text")
            #expect(status == 1, "\(output)")
            #expect(
                output.contains("receipt R-1: kept: registerd JPY 1255, settlementd JPY 1155, bank JPY 1155"))
            // The other lane is not affected.
            let other = try await setup.two.endOfDay()
            #expect(other.balance == .balanced && other.differences.isEmpty)
        }
    }
}
