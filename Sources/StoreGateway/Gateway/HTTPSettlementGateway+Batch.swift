import PairPayCore
import Register
import RegisterProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HTTPSettlementGateway {
    /// `POST /v1/batches/close` with the lane and batch id, sent again while settlementd cannot be
    /// reached or answers 5xx (the same batch id never closes twice) until ``batchCloseTimeout``.
    /// The report comes over the pinned TLS connection; it is not signed (it moves no money).
    public func closeBatch(
        laneID: String, batchID: String, existing: Bool
    ) async throws(SettlementGatewayError) -> BatchReport {
        let body: [UInt8]
        do {
            body = Array(
                try JSONEncoder().encode(
                    try BatchCloseRequest(laneID: laneID, batchID: batchID, existing: existing)))
        } catch {
            throw .refused("batch \(batchID) cannot be sent: \(error)")
        }
        let deadline = ContinuousClock.now + Self.batchCloseTimeout
        while true {
            do throws(SettlementGatewayError) {
                let reply = try await client.send(.POST, "/v1/batches/close", body: body)
                if reply.status == 200 { return try Self.batchReport(reply.body, batchID: batchID) }
                if reply.status < 500 { throw reply.failure("the close of batch \(batchID)") }
            } catch .unreachable(let detail), .noAnswer(let detail) {
                logger.notice("batch \(batchID): \(detail); asking again")
            }
            guard ContinuousClock.now < deadline else {
                throw .unreachable("settlementd did not close batch \(batchID) in time")
            }
            do { try await Task.sleep(for: configuration.retryBase) } catch {
                throw .unreachable("batch \(batchID) interrupted")
            }
        }
    }

    /// How long END OF DAY waits for settlementd (captures and the bank's reconciliation included).
    public static let batchCloseTimeout: Duration = .seconds(60)

    /// Reads settlementd's batch close (docs/SETTLEMENT.md, "End of day").
    static func batchReport(_ body: [UInt8], batchID: String) throws(SettlementGatewayError) -> BatchReport {
        struct Sales: Decodable {
            let currency: String
            let approvedCount, voidedCount, refundedCount: UInt32
            let approvedAmount, voidedAmount, refundedAmount: Int64
        }
        struct Totals: Decodable {
            let capturedCount, refundedCount: UInt32
            let capturedAmount, refundedAmount: Int64
        }
        struct Reconciliation: Decodable {
            let currency: String
            let bank: Totals?
        }
        struct View: Decodable {
            let batchId: String
            let state: String
            let sales: [Sales]
            let reconciliations: [Reconciliation]
            let differences: [String]
        }
        let view: View
        do { view = try JSONDecoder().decode(View.self, from: Data(body)) } catch {
            throw .unreachable(
                "settlementd answered the close of batch \(batchID) with a body that is not a batch")
        }
        guard view.batchId == batchID, let state = BatchReport.State(rawValue: view.state) else {
            throw .unreachable("settlementd answered for another batch than \(batchID)")
        }
        var bank: [String: CurrencyTotals] = [:]
        for reconciliation in view.reconciliations {
            guard let totals = reconciliation.bank else { continue }
            // The bank's captures count as APPROVED (hw/PROTOCOL.md §7, End of day).
            bank[reconciliation.currency, default: CurrencyTotals(currencyCode: reconciliation.currency)].add(
                CurrencyTotals(
                    currencyCode: reconciliation.currency, approvedCount: totals.capturedCount,
                    approvedAmount: totals.capturedAmount, refundedCount: totals.refundedCount,
                    refundedAmount: totals.refundedAmount))
        }
        return BatchReport(
            state: state,
            settlement: view.sales.map {
                CurrencyTotals(
                    currencyCode: $0.currency, approvedCount: $0.approvedCount,
                    approvedAmount: $0.approvedAmount,
                    voidedCount: $0.voidedCount, voidedAmount: $0.voidedAmount,
                    refundedCount: $0.refundedCount,
                    refundedAmount: $0.refundedAmount)
            },
            bank: bank.values.sorted { $0.currencyCode < $1.currencyCode }, differences: view.differences)
    }
}
