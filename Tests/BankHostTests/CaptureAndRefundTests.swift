import BankHost
import Foundation
import ISO8583
import Testing

/// banksim's money after the sale: 0220 captures turn holds into posted amounts, 0200 refunds
/// (processing code 20) credit captured amounts back, never more than was captured.
@Suite struct CaptureAndRefundTests {
    let codec = ISO8583Codec()

    @Test func aCaptureIsRepeatableAndRefundsStopAtTheCapturedAmount() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let port = bank.server.port
        let auth = Messages.authorization(amount: 1155, stan: "000400")
        #expect(try await RawClient.ask(auth, port: port)?[.responseCode] == "00")

        // A refund before the capture: nothing is posted yet.
        #expect(
            try await RawClient.ask(Messages.refund(of: auth, amount: 100, stan: "000401"), port: port)?[
                .responseCode] == "12")

        let capture = try await RawClient.ask(Messages.capture(of: auth, stan: "000402"), port: port)
        #expect(capture?.mti == .financialAdviceResponse)
        #expect(capture?[.responseCode] == "00")
        // The same capture again under a new STAN changes nothing; the repeat 0221 is a duplicate.
        #expect(
            try await RawClient.ask(Messages.capture(of: auth, stan: "000403"), port: port)?[.responseCode]
                == "00")
        var repeated = Messages.capture(of: auth, stan: "000402")
        repeated.mti = .financialAdviceRepeat
        #expect(try await RawClient.ask(repeated, port: port).map(codec.encode) == capture.map(codec.encode))
        let held = try #require(try bank.ledger.allHolds().first)
        #expect(held.status == "captured" && held.capturedAmount == 1155)
        #expect(try bank.ledger.activeHolds().isEmpty)

        let first = try await RawClient.ask(
            Messages.refund(of: auth, amount: 500, stan: "000404"), port: port)
        #expect(first?.mti == .financialResponse)
        #expect(first?[.responseCode] == "00")
        #expect(first?[.approvalCode]?.count == 6)
        #expect(
            try await RawClient.ask(Messages.refund(of: auth, amount: 656, stan: "000405"), port: port)?[
                .responseCode] == "13")
        #expect(
            try await RawClient.ask(Messages.refund(of: auth, amount: 655, stan: "000406"), port: port)?[
                .responseCode] == "00")
        #expect(
            try await RawClient.ask(Messages.refund(of: auth, amount: 1, stan: "000407"), port: port)?[
                .responseCode] == "13")
        // A lost answer's repeat (0201, same STAN and field 7) is answered again, not refunded again.
        var again = Messages.refund(of: auth, amount: 500, stan: "000404")
        again.mti = .financialRequestRepeat
        #expect(try await RawClient.ask(again, port: port).map(codec.encode) == first.map(codec.encode))
        #expect(try bank.ledger.allHolds().first?.refundedAmount == 1155)

        let events = try bank.ledger.entries().map { "\($0.event) \($0.amount ?? 0) \($0.responseCode)" }
        #expect(
            events == [
                "authorization 1155 00", "refund 100 12", "capture 1155 00", "capture 1155 00",
                "refund 500 00",
                "refund 656 13", "refund 655 00", "refund 1 13",
            ])
        let refunds = try bank.ledger.entries().filter { $0.event == "refund" }
        #expect(refunds.allSatisfy { $0.accountID == "mc-debit" || $0.accountID == "visa-credit" })
        #expect(refunds.allSatisfy { $0.maskedPAN == nil })
    }

    @Test func aReversedHoldCannotBeCapturedNorAnUnknownOne() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let port = bank.server.port
        let auth = Messages.authorization(amount: 700, stan: "000500")
        _ = try await RawClient.ask(auth, port: port)
        _ = try await RawClient.ask(Messages.reversal(of: auth, stan: "000501"), port: port)
        #expect(
            try await RawClient.ask(Messages.capture(of: auth, stan: "000502"), port: port)?[.responseCode]
                == "12")
        let never = Messages.authorization(amount: 700, stan: "000599")
        #expect(
            try await RawClient.ask(Messages.capture(of: never, stan: "000503"), port: port)?[.responseCode]
                == "25")
        #expect(
            try await RawClient.ask(Messages.refund(of: never, amount: 1, stan: "000504"), port: port)?[
                .responseCode] == "25")
        // A captured authorization cannot be reversed: only a refund gives posted money back.
        let posted = Messages.authorization(amount: 800, stan: "000510")
        _ = try await RawClient.ask(posted, port: port)
        _ = try await RawClient.ask(Messages.capture(of: posted, stan: "000511"), port: port)
        #expect(
            try await RawClient.ask(Messages.reversal(of: posted, stan: "000512"), port: port)?[.responseCode]
                == "12")
        #expect(try bank.ledger.allHolds().last?.status == "captured")
        var missing = Messages.capture(of: auth, stan: "000505")
        missing[.originalDataElements] = nil
        #expect(try await RawClient.ask(missing, port: port)?[.responseCode] == "30")
    }

    @Test func postedAmountsUseTheLimitUntilRefunded() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let port = bank.server.port
        // mc-debit has 3000: a captured 2000 leaves 1000, a refund of 1500 makes room again.
        let sale = Messages.authorization(
            pan: "5555555555554444", amount: 2000, stan: "000600", expiry: "3006", cvc: "456")
        _ = try await RawClient.ask(sale, port: port)
        _ = try await RawClient.ask(Messages.capture(of: sale, stan: "000601"), port: port)
        let big = Messages.authorization(
            pan: "5555555555554444", amount: 1500, stan: "000602", expiry: "3006", cvc: "456")
        #expect(try await RawClient.ask(big, port: port)?[.responseCode] == "51")
        _ = try await RawClient.ask(Messages.refund(of: sale, amount: 1500, stan: "000603"), port: port)
        let retry = Messages.authorization(
            pan: "5555555555554444", amount: 1500, stan: "000604", expiry: "3006", cvc: "456")
        #expect(try await RawClient.ask(retry, port: port)?[.responseCode] == "00")
    }
}

extension Messages {
    /// A 0220 capturing the whole of `original`, as PairPay's acquirer sends it (no card number).
    static func capture(of original: ISOMessage, stan: String) -> ISOMessage {
        postSale(
            .financialAdvice, "000000", of: original, amount: Int64(original[.amount] ?? "") ?? 0, stan: stan)
    }

    /// A 0200 refund (processing code 20) of `amount` of `original`.
    static func refund(of original: ISOMessage, amount: Int64, stan: String) -> ISOMessage {
        postSale(.financialRequest, "200000", of: original, amount: amount, stan: stan)
    }

    static func postSale(
        _ mti: MessageTypeIndicator, _ processingCode: String, of original: ISOMessage, amount: Int64,
        stan: String
    ) -> ISOMessage {
        var m = ISOMessage(mti: mti)
        m[.processingCode] = processingCode
        m[.amount] = String(format: "%012lld", amount)
        m[.transmissionDateTime] = "0613090000"
        m[.systemTraceAuditNumber] = stan
        m[.retrievalReferenceNumber] = "6163090" + stan.suffix(5)
        m[.terminalID] = original[.terminalID]
        m[.merchantID] = original[.merchantID]
        m[.currencyCode] = original[.currencyCode]
        m[.originalDataElements] =
            "0100" + original[.systemTraceAuditNumber]! + original[.transmissionDateTime]!
            + String(repeating: "0", count: 22)
        return m
    }
}
