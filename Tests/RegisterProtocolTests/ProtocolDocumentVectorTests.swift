import Foundation
import RegisterProtocol
import Testing

/// Every hex vector in hw/PROTOCOL.md, decoded and compared with the message its heading names,
/// and re-encoded to the same bytes.
@Suite struct ProtocolDocumentVectorTests {
    static let vectors: [String: [UInt8]] = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("hw/PROTOCOL.md")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var result: [String: [UInt8]] = [:]
        let lines = text.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("<!-- vector: "), let end = line.range(of: " -->") {
                let name = String(line[line.index(line.startIndex, offsetBy: 13)..<end.lowerBound])
                var bytes: [UInt8] = []
                index += 2  // skip the ```hex line
                while index < lines.count, !lines[index].hasPrefix("```") {
                    bytes += lines[index].split(separator: " ").compactMap { UInt8($0, radix: 16) }
                    index += 1
                }
                result[name] = bytes
            }
            index += 1
        }
        return result
    }()

    static let sale = Sale(
        receipt: "R-000123", currencyCode: "JPY", total: 1155,
        lineItems: [
            SaleLineItem(code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: 1, tax: 25),
            SaleLineItem(code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
        ])

    static let expected: [(String, UInt8, RegisterMessage?)] = [
        ("hello", 1, .hello(Hello(deviceID: "REG-01", software: "ACME POS 4.2"))),
        (
            "hello-reply", 1,
            .helloReply(HelloReply(deviceID: "PP-TERM-7", software: "registerd 0.1.0", maximumPayload: 4096))
        ),
        ("sale", 2, .sale(sale)),
        (
            "payment-request", 2,
            .paymentRequest(
                PaymentRequest(
                    receipt: "R-000123", orderID: "PP-TERM-7-000042", currencyCode: "JPY", total: 1155,
                    phonePayload: "PAIRPAY1:EXAMPLE-PAYLOAD", expiresIn: 120))
        ),
        (
            "progress", 3,
            .progress(
                Progress(
                    receipt: "R-000123", stage: .waitingForPhone, message: "Scan the code with your phone",
                    secondsLeft: 117))
        ),
        (
            "result", 4,
            .result(
                TransactionResult(
                    receipt: "R-000123", orderID: "PP-TERM-7-000042", status: .approved, reason: "approved",
                    message: "Approved", currencyCode: "JPY", total: 1155, approvalCode: "A1B2C3",
                    cardLast4: "1111"))
        ),
        (
            "result-receipt", 12,
            .result(
                TransactionResult(
                    receipt: "R-000126", orderID: "PP-TERM-7-000044", status: .approved, reason: "approved",
                    message: "Approved", currencyCode: "JPY", total: 1155, approvalCode: "A1B2C3",
                    cardLast4: "1111",
                    receiptData: ReceiptFields(
                        rrn: "633512000007", stan: "000007", acquirerTerminal: "T0000001", cardBrand: "visa",
                        transactionTime: 1_767_225_602)))
        ),
        ("abort", 3, .abort(Abort(receipt: "R-000123"))),
        ("relay", 4, .relay(Relay(receipt: "R-000123", relayData: "PAIRPAY-RESULT1:EXAMPLE"))),
        ("status-request", 5, .statusRequest(StatusRequest())),
        ("status-request-receipt", 8, .statusRequest(StatusRequest(receipt: "R-000123"))),
        (
            "status", 5,
            .status(
                StatusReply(
                    state: .completed, receipt: "R-000123", orderID: "PP-TERM-7-000042", status: .approved,
                    reason: "approved", currencyCode: "JPY", total: 1155, approvalCode: "A1B2C3",
                    cardLast4: "1111"))
        ),
        ("void", 6, .void(VoidRequest(receipt: "R-000124", orderID: "PP-TERM-7-000042"))),
        (
            "refund", 10,
            .refund(Refund(receipt: "R-000125", orderID: "PP-TERM-7-000042", currencyCode: "JPY", total: 500))
        ),
        ("totals-request", 7, .totalsRequest(TotalsRequest(closePeriod: true))),
        ("end-of-day", 11, .endOfDay(EndOfDay())),
        (
            "end-of-day-report", 11,
            .endOfDayReport(
                EndOfDayReport(
                    batchID: "PP-TERM-7-1", balance: .outOfBalance, periodClosed: true,
                    totals: [
                        .init(
                            source: .registerd,
                            totals: CurrencyTotals(
                                currencyCode: "JPY", approvedCount: 1, approvedAmount: 1255)),
                        .init(
                            source: .settlementd,
                            totals: CurrencyTotals(
                                currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155)),
                        .init(
                            source: .bank,
                            totals: CurrencyTotals(
                                currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155)),
                    ],
                    differences: ["JPY net sales: registerd 1 (JPY 1255), settlementd 1 (JPY 1155)"]))
        ),
        (
            "totals", 7,
            .totals(
                Totals(currencies: [
                    CurrencyTotals(
                        currencyCode: "JPY", approvedCount: 1, approvedAmount: 1155, refundedCount: 1,
                        refundedAmount: 500)
                ]))
        ),
        (
            "error", 6,
            .error(
                ErrorReply(
                    code: .abortTooLate, inReplyTo: 0x24,
                    message: "Abort too late: the payment completed; void it instead",
                    receipt: "R-000123"))
        ),
        (
            "error-already-ended", 9,
            .error(
                ErrorReply(
                    code: .alreadyEnded, inReplyTo: 0x24,
                    message: "Nothing to abort: the sale already ended declined",
                    receipt: "R-000123"))
        ),
        ("busy", 8, .busy(Busy(receipt: "R-000123", message: "Busy with receipt R-000123"))),
        ("stuffed", 0x10, .abort(Abort(receipt: "R-0010"))),
    ]

    @Test func theDocumentHasEveryVector() {
        let names = Set(Self.vectors.keys)
        #expect(names == Set(Self.expected.map(\.0) + ["ack", "nak"]))
    }

    @Test(arguments: expected.map(\.0))
    func vectorDecodesToItsMessageAndEncodesBack(name: String) throws {
        let (_, sequence, message) = try #require(Self.expected.first { $0.0 == name })
        let wire = try #require(Self.vectors[name], "vector \(name) missing from hw/PROTOCOL.md")
        var decoder = FrameDecoder()
        let events = decoder.feed(wire, at: .now)
        guard case .frame(let frame)? = events.first, events.count == 1 else {
            Issue.record("vector \(name) did not decode to one frame: \(events)")
            return
        }
        #expect(frame.sequence == sequence)
        let decoded = try RegisterMessage(frame: frame)
        #expect(decoded == message)
        if let message {
            #expect(
                FrameEncoder.encode(
                    Frame(sequence: sequence, type: message.type.rawValue, payload: message.payload)) == wire)
        }
    }

    @Test func linkControlVectors() throws {
        #expect(Self.vectors["ack"] == FrameEncoder.encode(.ack(2)))
        #expect(Self.vectors["nak"] == FrameEncoder.encode(.nak))
    }
}
