import Crypto
import LogCapture
import PairPayCore
import Register
import StoreGateway
import Testing

/// The mailbox and checks around the result paths, with results signed by a test key.
@Suite struct ResultMailboxTests {
    let signer = ResultSigner(privateKey: Curve25519.Signing.PrivateKey())
    let log = CapturedLog()

    func mailbox() throws -> ResultMailbox {
        ResultMailbox(
            check: try ResultCheck(
                serverPublicKey: Array(signer.publicKey.rawRepresentation), merchantID: "M-1"),
            logger: log.logger())
    }

    func signed(
        _ order: StoreOrder, _ status: SettlementStatus, _ reason: SettlementReason, total: Int64? = nil,
        merchant: String = "M-1", id: String = "r-1"
    ) throws -> SignedSettlementResult {
        try signer.sign(
            try SettlementResult(
                resultID: id, merchantID: merchant, orderID: order.orderID, status: status, reason: reason,
                total: Money(minorUnits: total ?? order.total.minorUnits, currency: order.total.currency),
                approvalCode: status == .approved ? "123456" : nil, cardLast4: "1111",
                decidedAt: 1_800_000_000))
    }

    @Test func theFirstValidResultWinsAndALaterDisagreementIsCritical() async throws {
        let mailbox = try mailbox()
        let order = try Fixture.order("O-1")
        await mailbox.expect(order)
        let waiter = Task { await mailbox.firstResult(of: "O-1") }
        let first = try await mailbox.receive(try signed(order, .approved, .approved), via: .relay)
        guard case .accepted(let delivery) = first else {
            Issue.record("first result not accepted: \(first)")
            return
        }
        #expect(await waiter.value == delivery)
        let later = try await mailbox.receive(try signed(order, .declined, .declined, id: "r-2"), via: .query)
        #expect(later == .alreadyKnown(delivery))
        #expect(log.lines.contains { $0.hasPrefix("critical") && $0.contains("results disagree") })
        // Approved, then reversed by a void: not a disagreement.
        _ = try await mailbox.receive(try signed(order, .cancelled, .reversed, id: "r-3"), via: .push)
        #expect(log.lines.filter { $0.hasPrefix("critical") }.count == 1)
    }

    @Test func forgedForeignAndMismatchedResultsAreRefused() async throws {
        let mailbox = try mailbox()
        let order = try Fixture.order("O-2")
        await mailbox.expect(order)
        let other = ResultSigner(privateKey: Curve25519.Signing.PrivateKey(), keyID: signer.keyID)
        let forged = try other.sign(try signed(order, .approved, .approved).result)
        await #expect(throws: ResultRejection.signature(.badSignature)) {
            try await mailbox.receive(forged, via: .push)
        }
        await #expect(throws: ResultRejection.otherMerchant("M-2")) {
            try await mailbox.receive(try signed(order, .approved, .approved, merchant: "M-2"), via: .push)
        }
        await #expect(
            throws: ResultRejection.otherAmount(
                Money(minorUnits: 1, currency: order.total.currency), expected: order.total)
        ) {
            try await mailbox.receive(try signed(order, .approved, .approved, total: 1), via: .relay)
        }
        // A mismatch decline carries total 0 and is believed.
        let decline = try await mailbox.receive(
            try signed(order, .declined, .mismatch, total: 0), via: .query)
        guard case .accepted = decline else {
            Issue.record("mismatch decline refused")
            return
        }
        let unknown = try Fixture.order("O-3")
        await #expect(throws: ResultRejection.unknownOrder("O-3")) {
            try await mailbox.receive(try signed(unknown, .approved, .approved), via: .relay)
        }
        await #expect(throws: ResultRejection.otherOrder("O-3", expected: "O-2")) {
            try await mailbox.receive(try signed(unknown, .approved, .approved), for: order, via: .relay)
        }
    }

    @Test func aCancelledWaiterGetsNothing() async throws {
        let mailbox = try mailbox()
        await mailbox.expect(try Fixture.order("O-4"))
        let waiter = Task { await mailbox.firstResult(of: "O-4") }
        waiter.cancel()
        #expect(await waiter.value == nil)
    }
}
