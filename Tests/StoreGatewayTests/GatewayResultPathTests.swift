import AsyncHTTPClient
import Foundation
import LogCapture
import PairPayCore
import Register
import RegisterProtocol
import StoreGateway
import Testing

extension StoreProcessTests {
    /// The gateway against the real settlementd and banksim: the first request with MAC and mutual
    /// TLS, each result path delivering, forged and replayed results refused, the final query at
    /// expiry, cancel and void.
    @Suite("HTTPSettlementGateway against settlementd", .serialized)
    struct GatewayResultPathTests {
        @Test func macAuthenticatedSaleLearnsItsApprovalByQuery() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-q")
                let user = try await cluster.enrollUser("alice")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.query], relay: false)
                try await Fixture.withGateway(configuration) { gateway, listeners in
                    #expect(listeners.relayEndpoint == nil)
                    let order = try Fixture.order()
                    let invitation = try await gateway.register(order)
                    let payload = try PaymentPayload(text: invitation.phonePayload)
                    #expect(payload.orderID == order.orderID)
                    #expect(payload.merchantID == "shop-q")
                    #expect(payload.total == order.total)
                    #expect(payload.serverURL == cluster.base)
                    #expect(payload.relayURL == nil)
                    #expect(invitation.expiresIn > .seconds(50))
                    // The same payment request again (its seconds left may have ticked once meanwhile).
                    let again = try await gateway.register(order)
                    #expect(again.phonePayload == invitation.phonePayload, "the first request is idempotent")
                    #expect(invitation.expiresIn - again.expiresIn <= .seconds(1))

                    let paid = try await cluster.pay(payload, as: user)
                    #expect(paid.status == 200, "\(paid.body)")
                    let stages = StageRecorder()
                    let outcome = try await Fixture.outcome(
                        gateway, order, until: .now + invitation.expiresIn, stages: stages)
                    #expect(outcome.status == .approved)
                    #expect(outcome.reason == .approved)
                    #expect(outcome.source == .query)
                    #expect(outcome.cardLast4 == "1111")
                    #expect(outcome.approvalCode != nil)
                    #expect(!stages.all.contains(.reconnecting))
                }
            }
        }

        @Test func mutualTLSStoreIsAcceptedAndAWrongMACKeyIsRefusedWithAHint() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-m")
                let user = try await cluster.enrollUser("bob")
                let mtls = try Fixture.configuration(
                    cluster, merchant, paths: [.query], mutualTLS: true, relay: false)
                try await Fixture.withGateway(mtls) { gateway, _ in
                    let order = try Fixture.order()
                    let invitation = try await gateway.register(order)
                    let paid = try await cluster.pay(
                        try PaymentPayload(text: invitation.phonePayload), as: user)
                    #expect(paid.status == 200, "\(paid.body)")
                    let outcome = try await Fixture.outcome(
                        gateway, order, until: .now + invitation.expiresIn)
                    #expect(outcome.status == .approved)
                }
                let wrongKey = try Fixture.configuration(
                    cluster, merchant, paths: [.query], macKey: Array(repeating: 1, count: 32), relay: false)
                try await Fixture.withGateway(wrongKey) { gateway, _ in
                    do {
                        _ = try await gateway.register(try Fixture.order())
                        Issue.record("a wrong MAC key was accepted")
                    } catch {
                        guard case .refused(let sentence)? = error as? SettlementGatewayError else {
                            Issue.record("expected refused, got \(error)")
                            return
                        }
                        #expect(sentence.contains("check mac-key-id and mac-key-file"), "\(sentence)")
                    }
                }
            }
        }

        @Test func relayedResultsAreVerifiedByEndpointAndByRegisterFrame() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-r")
                let user = try await cluster.enrollUser("carol")
                let configuration = try Fixture.configuration(cluster, merchant, paths: [.relay])
                try await Fixture.withGateway(configuration) { gateway, listeners in
                    let endpoint = try #require(listeners.relayEndpoint)
                    #expect(endpoint.hasPrefix("http://127.0.0.1:"))
                    #expect(!endpoint.hasSuffix(":0"))
                    let first = try Fixture.order()
                    let second = try Fixture.order()
                    let invitation = try await gateway.register(first)
                    _ = try await gateway.register(second)
                    let payload = try PaymentPayload(text: invitation.phonePayload)
                    #expect(payload.relayURL == endpoint + "/v1/relay")

                    let paid = try await cluster.pay(payload, as: user)
                    #expect(paid.status == 200, "\(paid.body)")
                    let signed = try JSONDecoder().decode(
                        SignedSettlementResult.self, from: Data(paid.body.utf8))
                    let text = try signed.relayText()
                    let relayURL = try #require(payload.relayURL)

                    // Not a relay text; altered (status); someone else's order; another order's result
                    // through the register.
                    #expect(try await Fixture.post(relayURL, "hello").status == 400)
                    let altered = SignedSettlementResult(
                        result: try SettlementResult(
                            resultID: signed.result.resultID, merchantID: signed.result.merchantID,
                            orderID: signed.result.orderID, status: .approved, reason: .approved,
                            total: Money(minorUnits: 1, currency: signed.result.currency),
                            approvalCode: signed.result.approvalCode, cardLast4: signed.result.cardLast4,
                            decidedAt: signed.result.decidedAt), keyID: signed.keyID,
                        signature: signed.signature)
                    let forged = try await Fixture.post(relayURL, try altered.relayText())
                    #expect(forged.status == 422)
                    #expect(forged.body.contains("signature is not valid"))
                    do {
                        _ = try await gateway.verifyRelayedResult(text, for: second)
                        Issue.record("a result for another order was accepted")
                    } catch {
                        #expect("\(error)".contains("not \(second.orderID)"), "\(error)")
                    }
                    do {
                        _ = try await gateway.verifyRelayedResult(try altered.relayText(), for: first)
                        Issue.record("an altered result was accepted")
                    } catch {
                        #expect("\(error)".contains("signature"), "\(error)")
                    }

                    let accepted = try await Fixture.post(relayURL, text)
                    #expect(accepted.status == 200)
                    #expect(accepted.body.contains(#""result":"accepted""#))
                    let outcome = try await Fixture.outcome(
                        gateway, first, until: .now + invitation.expiresIn)
                    #expect(outcome.status == .approved)
                    #expect(outcome.source == .relay)
                    let again = try await Fixture.post(relayURL, text)
                    #expect(again.status == 200)
                    #expect(again.body.contains("already-known"))
                    let viaRegister = try await gateway.verifyRelayedResult(text, for: first)
                    #expect(viaRegister.status == .approved)
                }
            }
        }

        @Test func registerRelayFrameAloneDeliversTheResult() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-f")
                let user = try await cluster.enrollUser("dave")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.relay], relay: false)
                try await Fixture.withGateway(configuration) { gateway, listeners in
                    #expect(listeners.relayEndpoint == nil)
                    let order = try Fixture.order()
                    let invitation = try await gateway.register(order)
                    let paid = try await cluster.pay(
                        try PaymentPayload(text: invitation.phonePayload), as: user)
                    let signed = try JSONDecoder().decode(
                        SignedSettlementResult.self, from: Data(paid.body.utf8))
                    let waiting = Task {
                        try await Fixture.outcome(gateway, order, until: .now + invitation.expiresIn)
                    }
                    let relayed = try await gateway.verifyRelayedResult(try signed.relayText(), for: order)
                    #expect(relayed.status == .approved)
                    #expect(relayed.source == .relay)
                    let outcome = try await waiting.value
                    #expect(outcome == relayed)
                }
            }
        }

        @Test func withoutAnyResultTheFinalQueryAtExpiryLearnsTheOutcome() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-x")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.relay], relay: false, ttl: 10)
                try await Fixture.withGateway(configuration) { gateway, _ in
                    let order = try Fixture.order()
                    let invitation = try await gateway.register(order)
                    #expect(invitation.expiresIn <= .seconds(10))
                    let outcome = try await Fixture.outcome(
                        gateway, order, until: .now + invitation.expiresIn)
                    #expect(outcome.status == .expired)
                    #expect(outcome.source == .query)
                    // A cancel now is too late: the order ended expired.
                    #expect(try await gateway.cancel(order) == .tooLate(outcome))
                }
            }
        }

        @Test func cancelBeforePaymentAndAfterApprovalAndVoid() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-c")
                let user = try await cluster.enrollUser("erin")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.query], relay: false)
                try await Fixture.withGateway(configuration) { gateway, _ in
                    let unpaid = try Fixture.order()
                    _ = try await gateway.register(unpaid)
                    #expect(try await gateway.cancel(unpaid) == .cancelled)
                    #expect(try await gateway.cancel(unpaid) == .cancelled, "a repeated cancel is harmless")

                    let paid = try Fixture.order()
                    let invitation = try await gateway.register(paid)
                    #expect(
                        try await cluster.pay(try PaymentPayload(text: invitation.phonePayload), as: user)
                            .status == 200)
                    #expect(try await gateway.cancel(paid) == .cancelled, "cancel after approval reverses")

                    let voided = try Fixture.order()
                    let second = try await gateway.register(voided)
                    #expect(
                        try await cluster.pay(try PaymentPayload(text: second.phonePayload), as: user).status
                            == 200)
                    let approved = try await Fixture.outcome(gateway, voided, until: .now + second.expiresIn)
                    #expect(approved.status == .approved)
                    let void = try await gateway.void(voided)
                    #expect(void.status == .cancelled)
                    #expect(void.reason == .voided)
                }
            }
        }

        @Test func refundsAreVerifiedPaidOnceAndNeverMoreThanTheSale() async throws {
            try await SettlementProcesses.with { cluster in
                let merchant = try await cluster.enrollMerchant("shop-r")
                let user = try await cluster.enrollUser("frank")
                let configuration = try Fixture.configuration(
                    cluster, merchant, paths: [.query], relay: false)
                try await Fixture.withGateway(configuration) { gateway, _ in
                    let order = try Fixture.order()
                    let invitation = try await gateway.register(order)
                    #expect(
                        try await cluster.pay(try PaymentPayload(text: invitation.phonePayload), as: user)
                            .status == 200)
                    _ = try await Fixture.outcome(gateway, order, until: .now + invitation.expiresIn)
                    let part = Money(minorUnits: order.total.minorUnits - 1, currency: order.total.currency)
                    let stages = StageRecorder()
                    let refunded = try await gateway.refund(
                        order, refundID: "T-F-1", amount: part, until: .now + .seconds(30)
                    ) { stages.record($0) }
                    #expect(refunded.status == .approved && refunded.reason == .refunded)
                    #expect(refunded.approvalCode?.count == 6)
                    let again = try await gateway.refund(
                        order, refundID: "T-F-1", amount: part, until: .now + .seconds(30)
                    ) { _ in }
                    #expect(again == refunded)
                    let two = Money(minorUnits: 2, currency: order.total.currency)
                    let tooMuch = try await gateway.refund(
                        order, refundID: "T-F-2", amount: two, until: .now + .seconds(30)
                    ) { _ in }
                    #expect(tooMuch.status == .declined && tooMuch.reason == .exceedsSale)
                    // The same refund id for another amount is refused by the server.
                    await #expect(throws: SettlementGatewayError.self) {
                        _ = try await gateway.refund(
                            order, refundID: "T-F-1", amount: two, until: .now + .seconds(30)
                        ) { _ in }
                    }
                    let refunds = try await cluster.bankEntries(event: "refund")
                    #expect(refunds == [part.minorUnits])
                }
                // A registerd with the wrong server key cannot verify the refund's result: that is
                // "outcome unknown" (RESULT error), never "declined", since the money did go back.
                let wrongKey = Hex.encode(Array(repeating: 7, count: 32))
                let misconfigured = try Fixture.configuration(
                    cluster, merchant, paths: [.query], publicKeyHex: wrongKey, relay: false)
                try await Fixture.withGateway(misconfigured) { gateway, _ in
                    let order = try Fixture.order()
                    // The first request needs no verification; the sale is paid by the phone.
                    let invitation = try await gateway.register(order)
                    #expect(
                        try await cluster.pay(try PaymentPayload(text: invitation.phonePayload), as: user)
                            .status == 200)
                    let one = Money(minorUnits: 1, currency: order.total.currency)
                    await #expect(throws: SettlementGatewayError.self) {
                        _ = try await gateway.refund(
                            order, refundID: "T-F-9", amount: one, until: .now + .seconds(30)
                        ) { _ in }
                    }
                    do throws(SettlementGatewayError) {
                        _ = try await gateway.refund(
                            order, refundID: "T-F-9", amount: one, until: .now + .seconds(30)
                        ) { _ in }
                    } catch {
                        guard case .relayRejected = error else {
                            Issue.record("expected relayRejected (RESULT error), got \(error)")
                            return
                        }
                    }
                    #expect(
                        try await cluster.bankEntries(event: "refund").count == 2,
                        "refunded once, asked twice")
                }
            }
        }
    }
}
