import Foundation
import InStoreCluster
import PairPayCore
import RegisterProtocol
import Testing

/// Issue 15: a REFUND from the register through registerd, settlementd and banksim, all real
/// processes; partial refunds up to the sale, one more refused, and a refund in flight when
/// registerd is killed is paid once after its restart.
@Suite("In store: refunds from the register", .serialized)
struct RefundInStoreTests {
    @Test("partial refunds from the register sum to the sale, one more is refused, TOTALS count them")
    func partialRefunds() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            #expect(try await cluster.pay(as: "alice", payload: request.phonePayload).status == 0)
            #expect(try await register.waitForResult(within: .seconds(60)).status == .approved)

            try await register.refund(receipt: "F-1", orderID: request.orderID, total: 155)
            let first = try await register.waitForResult(within: .seconds(60))
            #expect(first.status == .approved && first.reason == "refunded" && first.total == 155)
            #expect(
                first.receipt == "F-1" && first.orderID == request.orderID && first.approvalCode?.count == 6)
            try await register.refund(receipt: "F-2", orderID: request.orderID, total: 1000)
            #expect(try await register.waitForResult(within: .seconds(60)).reason == "refunded")
            try await register.refund(receipt: "F-3", orderID: request.orderID, total: 1)
            let refused = try await register.line.next(within: .seconds(10), "ERROR") {
                if case .error = $0 { true } else { false }
            }
            guard case .error(let error) = refused else { return }
            #expect(error.code == .invalidRefund)

            let totals = try await register.totals(closePeriod: true)
            #expect(
                totals.currencies.first?.refundedCount == 2 && totals.currencies.first?.refundedAmount == 1155
            )
            #expect(try await cluster.bankEntries(event: "refund").map(\.amount) == [155, 1000])
            #expect(try await cluster.bankEntries(event: "capture").map(\.responseCode) == ["00"])
            #expect(try await cluster.bankHolds().isEmpty)
            // Nothing on the store side ever saw the card.
            #expect(cluster.registerd?.log.contains("4111111111111111") == false)
        }
    }

    @Test("kill -9 of registerd while its refund is with a slow bank: after restart one RESULT, one refund")
    func refundSurvivesARegisterdCrash() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(SimulatedRegister.figure5Sale(receipt: "R-1"))
            #expect(try await cluster.pay(as: "alice", payload: request.phonePayload).status == 0)
            #expect(try await register.waitForResult(within: .seconds(60)).status == .approved)
            // The bank now takes 1.5 s per request: the capture and the refund take 3 s.
            let port = cluster.bankPort
            cluster.crashBank()
            try await cluster.startBank(port: port, extraArguments: ["--latency-ms", "1500"])

            try await register.refund(receipt: "F-1", orderID: request.orderID, total: 500)
            try await Task.sleep(for: .milliseconds(1000))
            cluster.crashRegisterd()
            try await cluster.startRegisterd(configuration: cluster.directory + "/registerd.conf")
            let result = try await register.waitForResult(within: .seconds(90))
            #expect(result.receipt == "F-1" && result.status == .approved && result.reason == "refunded")
            await register.line.listen(for: .seconds(2))
            #expect(InStore.results(register, receipt: "F-1").count == 1)
            // The same REFUND again is answered from the journal; the bank refunded once.
            try await register.refund(receipt: "F-1", orderID: request.orderID, total: 500)
            #expect(try await register.waitForResult(within: .seconds(30)).reason == "refunded")
            #expect(
                try await cluster.bankEntries(event: "refund").filter { $0.responseCode == "00" }.map(
                    \.amount) == [500])
        }
    }
}

/// Issue 15: a US dollar sale end to end: cents on the register's RESULT and TOTALS, on the phone,
/// in the bank's ledger, and a refund of part of it.
@Suite("In store: another currency (USD)", .serialized)
struct OtherCurrencyInStoreTests {
    static let sale = Sale(
        receipt: "U-1", currencyCode: "USD", total: 944,
        lineItems: [
            SaleLineItem(code: "0001", name: "Coffee", unitPrice: 350, quantity: 1, tax: 0),
            SaleLineItem(code: "0002", name: "Bagel", unitPrice: 275, quantity: 2, tax: 44),
        ])

    @Test("a USD sale paid with a USD card, then refunded in part, in cents everywhere")
    func dollars() async throws {
        try await InStore.with(paths: ["query"]) { cluster, register in
            let request = try await register.ringUp(Self.sale)
            #expect(request.currencyCode == "USD" && request.total == 944)
            let payload = try PaymentPayload(text: request.phonePayload)
            #expect(payload.total == Money(minorUnits: 944, currency: .usd))
            #expect(payload.total.description == "USD 9.44")
            let (status, output) = try await cluster.pay(as: "ed", payload: request.phonePayload)
            #expect(status == 0, "\(output)")
            #expect(output.contains("USD 9.44"), "\(output)")
            #expect(!output.contains("378282246310005"))
            let result = try await register.waitForResult(within: .seconds(60))
            #expect(result.status == .approved && result.currencyCode == "USD" && result.total == 944)
            #expect(result.cardLast4 == "0005")
            #expect(try await cluster.bankHolds().map { "\($0.currency) \($0.amount)" } == ["USD 944"])

            try await register.refund(receipt: "U-F1", orderID: request.orderID, total: 150, currency: "USD")
            let refund = try await register.waitForResult(within: .seconds(60))
            #expect(refund.reason == "refunded" && refund.currencyCode == "USD" && refund.total == 150)
            try await register.refund(receipt: "U-F2", orderID: request.orderID, total: 1, currency: "JPY")
            let wrongCurrency = try await register.line.next(within: .seconds(10), "ERROR") {
                if case .error = $0 { true } else { false }
            }
            guard case .error(let error) = wrongCurrency else { return }
            #expect(error.code == .invalidRefund && error.message?.contains("USD") == true)
            let totals = try await register.totals(closePeriod: false)
            #expect(
                totals.currencies == [
                    CurrencyTotals(
                        currencyCode: "USD", approvedCount: 1, approvedAmount: 944, refundedCount: 1,
                        refundedAmount: 150)
                ])
            #expect(try await cluster.bankEntries(event: "refund").map(\.amount) == [150])
        }
    }
}
