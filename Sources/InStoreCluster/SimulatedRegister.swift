import Foundation
import RegisterLinkTestSupport
import RegisterProtocol

/// The cash register of the demo and the in-store tests: the controller side of a real pty,
/// speaking hw/PROTOCOL.md to registerd, and saying what it sends and receives.
public final class SimulatedRegister: @unchecked Sendable {
    /// The line: a real pty behind ``devicePath``.
    public let line: FakeRegister
    let say: @Sendable (String) -> Void
    private var sentPayloads: [[UInt8]] = []

    /// - Parameter transcript: receives one line per message (nothing for tests that pass `{ _ in }`).
    public init(transcript: @escaping @Sendable (String) -> Void = { _ in }) throws {
        line = try FakeRegister()
        say = transcript
    }

    /// The device path registerd opens.
    public var devicePath: String { line.devicePath }

    /// Every byte of message payload that crossed the line, both ways (for the card-number check).
    public var traffic: [UInt8] {
        sentPayloads.flatMap { $0 } + line.receivedFrames.flatMap { $0.payload }
    }

    /// The seed's Fig. 5 basket: peanut butter ¥500 and grape jelly ¥600, 5% consumption tax ¥55,
    /// total ¥1155.
    public static func figure5Sale(receipt: String) -> Sale {
        Sale(
            receipt: receipt, currencyCode: "JPY", total: 1155,
            lineItems: [
                SaleLineItem(
                    code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: 1, tax: 25),
                SaleLineItem(
                    code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
            ])
    }

    /// Sends a message, waiting for its ACK.
    public func send(_ message: RegisterMessage) async throws {
        sentPayloads.append(message.body.payload)
        try await line.send(message, ackTimeout: .seconds(1), attempts: 5)
    }

    /// HELLO → HELLO REPLY.
    public func hello() async throws {
        try await send(.hello(Hello(deviceID: "REGISTER-DEMO", software: "pairpay demo register")))
        say("register → registerd   HELLO")
        let reply = try await line.nextReply(within: .seconds(10))
        guard case .helloReply(let hello) = reply else {
            throw ClusterError.unexpected("expected HELLO REPLY, got \(reply.body.messageTypeName)")
        }
        say("registerd → register   HELLO REPLY from terminal \(hello.deviceID)")
    }

    /// SALE → PAYMENT REQUEST (PROGRESS frames on the way are shown).
    public func ringUp(_ sale: Sale) async throws -> PaymentRequest {
        try await send(.sale(sale))
        let items = sale.lineItems.map { "\($0.name) ¥\($0.unitPrice)×\($0.quantity) +tax ¥\($0.tax)" }
        say(
            "register → registerd   SALE \(sale.receipt): \(items.joined(separator: ", ")); total \(sale.currencyCode) \(sale.total)"
        )
        let reply = try await nextNonProgress(within: .seconds(30))
        guard case .paymentRequest(let request) = reply else {
            throw ClusterError.unexpected(
                "expected PAYMENT REQUEST for \(sale.receipt), got \(Self.describe(reply))")
        }
        say(
            "registerd → register   PAYMENT REQUEST order \(request.orderID), \(request.currencyCode) \(request.total), "
                + "expires in \(request.expiresIn) s; QR code: \(request.phonePayload.prefix(40))… (\(request.phonePayload.utf8.count) characters)"
        )
        return request
    }

    /// Waits for the RESULT (PROGRESS frames on the way are shown; other messages are skipped).
    public func waitForResult(within timeout: Duration = .seconds(90)) async throws -> TransactionResult {
        while true {
            let message = try await nextNonProgress(within: timeout)
            if case .result(let result) = message {
                say("registerd → register   RESULT \(Self.describe(.result(result)))")
                return result
            }
            say("registerd → register   \(Self.describe(message))")
        }
    }

    /// Waits for the next PAYMENT REQUEST (a resumed sale's, after registerd restarted); other
    /// messages are shown and skipped.
    public func waitForPaymentRequest(within timeout: Duration = .seconds(30)) async throws -> PaymentRequest
    {
        while true {
            let message = try await nextNonProgress(within: timeout)
            say("registerd → register   \(Self.describe(message))")
            if case .paymentRequest(let request) = message { return request }
        }
    }

    /// RELAY: hands registerd the result text the phone showed.
    public func relay(receipt: String, text: String) async throws {
        try await send(.relay(Relay(receipt: receipt, relayData: text)))
        say(
            "register → registerd   RELAY \(receipt): \(text.prefix(40))… (\(text.utf8.count) characters, from the phone's screen)"
        )
    }

    /// ABORT: the cashier cancels the sale.
    public func abort(receipt: String) async throws {
        try await send(.abort(Abort(receipt: receipt)))
        say("register → registerd   ABORT \(receipt)")
    }

    /// REFUND: gives back `total` of the approved sale `orderID` under its own receipt.
    public func refund(receipt: String, orderID: String, total: Int64, currency: String = "JPY") async throws
    {
        try await send(
            .refund(Refund(receipt: receipt, orderID: orderID, currencyCode: currency, total: total)))
        say("register → registerd   REFUND \(receipt) of order \(orderID): \(currency) \(total)")
    }

    /// TOTALS REQUEST → TOTALS, closing the period when asked.
    public func totals(closePeriod: Bool) async throws -> Totals {
        try await send(.totalsRequest(TotalsRequest(closePeriod: closePeriod)))
        let reply = try await nextNonProgress(within: .seconds(30))
        guard case .totals(let totals) = reply else {
            throw ClusterError.unexpected("expected TOTALS, got \(Self.describe(reply))")
        }
        return totals
    }

    /// END OF DAY → PROGRESS (closing) → END OF DAY REPORT; with `batchID`, asks about that
    /// earlier close again.
    public func endOfDay(batchID: String? = nil) async throws -> EndOfDayReport {
        try await send(.endOfDay(EndOfDay(batchID: batchID)))
        say("register → registerd   END OF DAY\(batchID.map { " (batch \($0) again)" } ?? "")")
        let reply = try await nextNonProgress(within: .seconds(90))
        guard case .endOfDayReport(let report) = reply else {
            throw ClusterError.unexpected("expected END OF DAY REPORT, got \(Self.describe(reply))")
        }
        for (index, line) in report.lines.enumerated() {
            say(index == 0 ? "registerd → register   " + line : line)
        }
        return report
    }

    /// STATUS REQUEST → STATUS.
    public func status() async throws -> StatusReply {
        try await send(.statusRequest(StatusRequest()))
        let reply = try await nextNonProgress(within: .seconds(10))
        guard case .status(let status) = reply else {
            throw ClusterError.unexpected("expected STATUS, got \(Self.describe(reply))")
        }
        return status
    }

    private var lastStage: ProgressStage?

    func nextNonProgress(within timeout: Duration) async throws -> RegisterMessage {
        while true {
            let message = try await line.next(within: timeout, "a reply from registerd")
            guard case .progress(let progress) = message else { return message }
            if progress.stage != lastStage {
                lastStage = progress.stage
                say("registerd → register   PROGRESS \(progress.stage.displayText)")
            }
        }
    }

    /// One line for a message, with nothing the register does not show anyway.
    public static func describe(_ message: RegisterMessage) -> String {
        switch message {
        case .result(let result):
            var text = "\(result.receipt): \(result.status.name) (\(result.reason))"
            if let total = result.total, let currency = result.currencyCode {
                text += " \(currency) \(total)"
            }
            if let approval = result.approvalCode { text += ", approval \(approval)" }
            if let last4 = result.cardLast4 { text += ", card ****\(last4)" }
            return text
        case .error(let error):
            return "ERROR \(error.code.name): \(error.message ?? "")"
        case .busy(let busy):
            return "BUSY \(busy.receipt)"
        default:
            return message.body.messageTypeName
        }
    }
}

extension MessageBody {
    var messageTypeName: String { Self.messageType.name }
}
