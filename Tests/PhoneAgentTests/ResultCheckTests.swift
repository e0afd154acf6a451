import Crypto
import Foundation
import PairPayCore
import PhoneAgent
import Testing

/// Results are believed only when signed by the configured server and about this order.
@Suite("PhoneAgent: checking the result")
struct ResultCheckTests {
    func pay(_ fixture: AgentFixture, answer body: String) async throws(PhoneAgentError) -> PaymentOutcome {
        fixture.transport.enqueue([.respond(200, body)])
        return try await fixture.agent.pay(fixture.payload, with: try! AgentFixture.card)
    }

    @Test func aResultSignedByAnotherKeyIsNotTrusted() async throws {
        let fixture = try AgentFixture([])
        let forger = ResultSigner(privateKey: Curve25519.Signing.PrivateKey(), keyID: fixture.signer.keyID)
        let forged = try fixture.signedBody(signer: forger)
        do {
            _ = try await pay(fixture, answer: forged)
            Issue.record("a forged result was trusted")
        } catch {
            #expect(error == .resultNotTrusted(.badSignature))
            #expect(error.description.contains("do not trust it"))
        }
        // Another key id altogether.
        let stranger = ResultSigner(privateKey: Curve25519.Signing.PrivateKey())
        await #expect(throws: PhoneAgentError.resultNotTrusted(.unknownKey(stranger.keyID))) {
            try await pay(fixture, answer: try fixture.signedBody(signer: stranger))
        }
    }

    @Test func anAlteredResultIsNotTrusted() async throws {
        let fixture = try AgentFixture([])
        let declined = try fixture.signedBody(status: .declined, reason: .insufficientFunds)
        // Someone on the way turns the decline into an approval, keeping the signature.
        let altered = declined.replacingOccurrences(
            of: #""status":"declined""#, with: #""status":"approved""#
        )
        .replacingOccurrences(of: #""reason":"insufficient-funds""#, with: #""reason":"approved""#)
        #expect(altered != declined)
        await #expect(throws: PhoneAgentError.resultNotTrusted(.badSignature)) {
            try await pay(fixture, answer: altered)
        }
    }

    @Test func aResultForAnotherOrderOrAmountIsNotTrusted() async throws {
        let fixture = try AgentFixture([])
        await #expect(throws: PhoneAgentError.self) {
            try await pay(fixture, answer: try fixture.signedBody(orderID: "PP-TERM-7-0002"))
        }
        let otherMerchant = try fixture.signedBody(merchantID: "MERCHANT-43")
        do {
            _ = try await pay(fixture, answer: otherMerchant)
            Issue.record("a result for another merchant was trusted")
        } catch {
            #expect(
                error
                    == .resultForAnotherOrder(
                        expected: "order PP-TERM-7-0001 at MERCHANT-42",
                        got: "order PP-TERM-7-0001 at MERCHANT-43"))
        }
        await #expect(
            throws: PhoneAgentError.resultAmountDiffers(
                expected: Money(minorUnits: 1155, currency: .jpy), got: Money(minorUnits: 1, currency: .jpy))
        ) {
            try await pay(fixture, answer: try fixture.signedBody(total: 1))
        }
        // A mismatch decline carries total 0: not an amount to compare.
        let mismatch = try await pay(
            fixture, answer: try fixture.signedBody(status: .declined, reason: .mismatch, total: 0))
        #expect(!mismatch.isApproved)
        #expect(mismatch.resultLine == "result declined (mismatch) card ****1111")
    }

    @Test func anApprovedOutcomeSaysApprovalAndLastFour() async throws {
        let fixture = try AgentFixture([])
        let outcome = try await pay(fixture, answer: try fixture.signedBody())
        #expect(outcome.resultLine == "result approved (approved) approval 123456 card ****1111")
        #expect(outcome.status == .approved)
        let relay = try outcome.relayText()
        #expect(relay.hasPrefix(SignedSettlementResult.relayPrefix))
        #expect(try ResultVerifier(publicKey: fixture.signer.publicKey).verifyRelay(relay) == outcome.result)
    }

    @Test func theCodeMustNameTheConfiguredServer() throws {
        let fixture = try AgentFixture([])
        let other = try PaymentPayload(
            contents: try AgentFixture.contents(), serverURL: "https://evil.example:8443",
            expiresAt: fixture.payload.expiresAt)
        #expect(
            throws: PhoneAgentError.wrongServer(
                payload: "https://evil.example:8443", configured: AgentFixture.server)
        ) {
            try fixture.agent.read(try other.text())
        }
        let otherPort = try PaymentPayload(
            contents: try AgentFixture.contents(), serverURL: "https://127.0.0.1:9443",
            expiresAt: fixture.payload.expiresAt)
        #expect(throws: PhoneAgentError.self) { try fixture.agent.read(try otherPort.text()) }
        // The same server written differently is the same server.
        let spelled = try PaymentPayload(
            contents: try AgentFixture.contents(), serverURL: "https://127.0.0.1:8443/",
            expiresAt: fixture.payload.expiresAt)
        #expect(try fixture.agent.read(try spelled.text()) == spelled)
        #expect(try fixture.agent.read("  " + (try fixture.payload.text()) + "\n") == fixture.payload)
        #expect(
            throws: PhoneAgentError.invalidPayload(
                .notAPaymentPayload("a checkout link's path is /p/MERCHANT/ORDER"))
        ) {
            try fixture.agent.read("https://example.com")
        }
        // The checkout link form names its server too.
        #expect(throws: PhoneAgentError.self) { try fixture.agent.read(otherPort.checkoutURL) }
        #expect(try fixture.agent.read(fixture.payload.checkoutURL) == fixture.payload.withoutLineItems())
    }

    @Test func theServerKeyIsReadFromHexOrThePairpayLine() throws {
        let key = Curve25519.Signing.PrivateKey().publicKey
        let hex = Hex.encode(Array(key.rawRepresentation))
        #expect(
            try PhoneAgentConfiguration.serverPublicKey(hex: hex + "\n").rawRepresentation
                == key.rawRepresentation)
        #expect(
            try PhoneAgentConfiguration.serverPublicKey(hex: "public key \(hex)\n").rawRepresentation
                == key.rawRepresentation)
        #expect(throws: PhoneAgentError.self) { try PhoneAgentConfiguration.serverPublicKey(hex: "abcd") }
        #expect(throws: PhoneAgentError.invalidServerURL("http://127.0.0.1:8443")) {
            try PhoneAgentConfiguration(
                serverURL: "http://127.0.0.1:8443", serverPublicKey: key, authentication: .clientCertificate)
        }
    }
}
