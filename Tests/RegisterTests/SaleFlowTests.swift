import Register
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

@Suite(.serialized) struct SaleFlowTests {
    @Test func helloIsAnsweredWithTheTerminalID() async throws {
        let h = try await RegisterServiceHarness()
        try await h.register.send(.hello(Hello(deviceID: "REG-01", software: "ACME POS 4.2")))
        #expect(
            try await h.register.nextReply()
                == .helloReply(
                    HelloReply(deviceID: "PP-TERM-7", software: "registerd test", maximumPayload: 4096)))
        try await h.register.send(.hello(Hello(protocolVersion: 2, deviceID: "REG-01")))
        let error = try await h.nextError()
        #expect(error.code == .unsupportedVersion)
        #expect(error.inReplyTo == MessageType.hello.rawValue)
        await h.stop()
    }

    @Test func anApprovedSaleFromStartToResult() async throws {
        let h = try await RegisterServiceHarness()
        try await h.register.send(.sale(RegisterServiceHarness.basket))
        let first = try await h.register.next { _ in true }
        guard case .progress(let registering) = first else {
            Issue.record("expected PROGRESS first, got \(first)")
            return
        }
        #expect(registering.stage == .registering)
        let request = try await h.register.nextReply()
        guard case .paymentRequest(let payment) = request else {
            Issue.record("expected PAYMENT REQUEST, got \(request)")
            return
        }
        #expect(payment.receipt == "R-000123")
        #expect(payment.orderID.hasPrefix("PP-TERM-7-"))
        #expect(payment.currencyCode == "JPY" && payment.total == 1155)
        #expect(payment.phonePayload == "PAIRPAY1:TEST")
        #expect((118...120).contains(payment.expiresIn))
        #expect(h.gateway.registered.map(\.orderID) == [payment.orderID])
        #expect(h.gateway.registered.first?.total.minorUnits == 1155)

        // Progress keeps coming while the phone pays, so the register's response timer stays alive.
        var waiting: [Progress] = []
        while waiting.count < 3 {
            let message = try await h.register.next(within: .seconds(5), "PROGRESS") {
                if case .progress = $0 { true } else { false }
            }
            if case .progress(let progress) = message, progress.stage == .waitingForPhone {
                waiting.append(progress)
            }
        }
        #expect(waiting.allSatisfy { ($0.secondsLeft ?? 0) > 100 && $0.receipt == "R-000123" })

        h.gateway.report(.authorizing, for: payment.orderID)
        _ = try await h.register.next(where: {
            if case .progress(let p) = $0 { p.stage == .authorizing } else { false }
        })
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let result = try await h.register.nextResult()
        #expect(
            result
                == TransactionResult(
                    receipt: "R-000123", orderID: payment.orderID, status: .approved, reason: "approved",
                    message: "Approved", currencyCode: "JPY", total: 1155, approvalCode: "A1B2C3",
                    cardLast4: "1111"))
        #expect(try await h.status() == StatusReply(completed: result))

        // No progress after the result.
        await h.register.skipReceived()
        await h.register.listen(for: .milliseconds(300))
        #expect(
            h.register.receivedMessages.suffix(1).allSatisfy { if case .status = $0 { true } else { false } })
        await h.stop()
    }

    /// Stages reported together reach the register in the order reported: a burst that alternates
    /// `waiting-for-phone` and `reconnecting` ends in `authorizing`, the only `authorizing` in it.
    /// Once the register is shown `authorizing`, the burst has been applied to its end, and every
    /// PROGRESS after it repeats `authorizing` (a stage applied out of order would leave another
    /// stage current). Frames sent during the burst are sparse (droppable while the link is busy),
    /// so "n frames of one stage in a row" would prove nothing: the link's ACK round trip can lock
    /// onto the burst's cadence.
    @Test func progressStagesReportedTogetherKeepTheirOrder() async throws {
        let h = try await RegisterServiceHarness(progressInterval: .milliseconds(50))
        let payment = try await h.startSale()
        let burst = Array(repeating: [ProgressStage.waitingForPhone, .reconnecting], count: 200).flatMap {
            $0
        }
        h.gateway.reportBurst(burst + [.authorizing], for: payment.orderID)
        _ = try await h.register.next(within: .seconds(20), "PROGRESS authorizing") {
            if case .progress(let progress) = $0 { progress.stage == .authorizing } else { false }
        }
        await h.register.skipReceived()
        let settled = h.register.receivedMessages.count
        await h.register.listen(for: .milliseconds(600))
        let later = h.register.receivedMessages[settled...].compactMap {
            if case .progress(let progress) = $0 { progress.stage } else { nil }
        }
        #expect(!later.isEmpty && later.allSatisfy { $0 == .authorizing }, "after the burst: \(later)")

        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let result = try await h.register.nextResult()
        #expect(result.status == .approved)
        await h.register.skipReceived()
        let ended = h.register.receivedMessages.count
        await h.register.listen(for: .milliseconds(200))
        #expect(
            !h.register.receivedMessages[ended...].contains { if case .progress = $0 { true } else { false } }
        )
        await h.stop()
    }

    @Test func oneTransactionAtATime() async throws {
        let h = try await RegisterServiceHarness()
        let payment = try await h.startSale()
        var other = RegisterServiceHarness.basket
        other.receipt = "R-000124"
        try await h.register.send(.sale(other))
        #expect(
            try await h.register.nextReply()
                == .busy(Busy(receipt: "R-000123", message: "Busy with receipt R-000123")))
        try await h.register.send(.void(VoidRequest(receipt: "V-1", orderID: payment.orderID)))
        #expect(
            try await h.register.nextReply()
                == .busy(Busy(receipt: "R-000123", message: "Busy with receipt R-000123")))
        #expect(h.gateway.registered.count == 1)
        await h.stop()
    }

    @Test func aResentSaleCarriesOnWithoutASecondOrder() async throws {
        let h = try await RegisterServiceHarness()
        let payment = try await h.startSale()
        let again = try await h.startSale()
        #expect(again.orderID == payment.orderID)
        #expect(h.gateway.registered.count == 1)
        await h.stop()
    }

    @Test func aCompletedReceiptIsNeverChargedTwice() async throws {
        let h = try await RegisterServiceHarness()
        let payment = try await h.startSale()
        h.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let result = try await h.register.nextResult()
        try await h.register.send(.sale(RegisterServiceHarness.basket))
        #expect(try await h.register.nextReply() == .result(result))
        #expect(h.gateway.registered.count == 1)

        var changed = RegisterServiceHarness.basket
        changed.lineItems[0].quantity = 2
        changed.total += 500
        try await h.register.send(.sale(changed))
        let error = try await h.nextError()
        #expect(error.code == .duplicateReceipt)
        #expect(error.receipt == "R-000123")
        #expect(h.gateway.registered.count == 1)
        await h.stop()
    }

    @Test func badInputGetsAClearError() async throws {
        let h = try await RegisterServiceHarness()
        var wrongTotal = RegisterServiceHarness.basket
        wrongTotal.total = 1150
        try await h.register.send(.sale(wrongTotal))
        var error = try await h.nextError()
        #expect(error.code == .invalidSale)
        #expect(error.message == "TOTAL 1150 does not equal the sum of the lines 1155")

        var badCurrency = RegisterServiceHarness.basket
        badCurrency.currencyCode = "ABC"
        try await h.register.send(.sale(badCurrency))
        error = try await h.nextError()
        #expect(error.code == .invalidSale)
        #expect(error.message?.contains("unknown currency 'ABC'") == true)

        // A SALE without RECEIPT: malformed.
        try await h.register.send(
            frame: Frame(sequence: h.register.takeSequence(), type: MessageType.sale.rawValue, payload: []))
        error = try await h.nextError()
        #expect(error.code == .invalidMessage)
        #expect(error.message == "required field RECEIPT is missing")

        try await h.register.send(frame: Frame(sequence: h.register.takeSequence(), type: 0x66))
        error = try await h.nextError()
        #expect(error.code == .unknownMessage)
        #expect(error.inReplyTo == 0x66)

        try await h.register.send(
            .result(TransactionResult(receipt: "R", status: .approved, reason: "approved")))
        error = try await h.nextError()
        #expect(error.code == .unknownMessage)
        #expect(error.message == "RESULT is sent by registerd, not by the register")

        // Direction is checked before the fields: an empty wrong-way frame is unknown, not malformed.
        try await h.register.send(
            frame: Frame(sequence: h.register.takeSequence(), type: MessageType.helloReply.rawValue))
        error = try await h.nextError()
        #expect(error.code == .unknownMessage)
        #expect(error.message == "HELLO REPLY is sent by registerd, not by the register")
        #expect(h.gateway.registered.isEmpty)
        await h.stop()
    }

    @Test func withoutASettlementServerASaleEndsWithAClearResult() async throws {
        let h = try await RegisterServiceHarness(gateway: UnconfiguredSettlementGateway())
        try await h.register.send(.sale(RegisterServiceHarness.basket))
        let result = try await h.register.nextResult()
        #expect(result.status == .error)
        #expect(result.reason == "settlement-not-configured")
        #expect(result.orderID == nil)
        #expect(result.receipt == "R-000123")
        #expect(
            !h.register.receivedMessages.contains { if case .paymentRequest = $0 { true } else { false } })
        await h.stop()
    }

    @Test func anExpiredOrderIsReported() async throws {
        let scripted = ScriptedSettlementGateway()
        scripted.script.withLock {
            $0.registration = .success(
                PaymentInvitation(phonePayload: "PAIRPAY1:SHORT", expiresIn: .milliseconds(300)))
        }
        let h = try await RegisterServiceHarness(gateway: scripted)
        try await h.register.send(.sale(RegisterServiceHarness.basket))
        let result = try await h.register.nextResult()
        #expect(result.status == .expired)
        #expect(result.orderID != nil)
        await h.stop()
    }
}
