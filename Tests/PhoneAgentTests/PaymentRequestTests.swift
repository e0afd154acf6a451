import Foundation
import PairPayCore
import PhoneAgent
import Synchronization
import Testing

/// What the agent sends: body, authentication headers, repeats on 202.
@Suite("PhoneAgent: the payment request")
struct PaymentRequestTests {
    @Test func macRequestCarriesTheClaimAndCardAndASignatureTheServerAccepts() async throws {
        let fixture = try AgentFixture([])
        let transport = MemoryTransport([.respond(200, try fixture.signedBody())])
        let agent = PhoneAgent(
            configuration: fixture.agent.configuration, transport: transport, now: { fixture.clock.now },
            sleep: { _ in })
        let outcome = try await agent.pay(fixture.payload, with: try AgentFixture.card)
        #expect(outcome.isApproved)
        #expect(outcome.attempts == 1)

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "https://127.0.0.1:8443/v1/orders/PP-TERM-7-0001/payment")
        #expect(request.header("Content-Type") == "application/json")
        let sent = try JSONDecoder().decode(SecondSettlementRequest.self, from: Data(request.body))
        #expect(sent.claim == (try fixture.payload.claim()))
        #expect(sent.payment == (try AgentFixture.card))

        #expect(request.header("PairPay-Key-Id") == "mk_alice")
        #expect(request.header("PairPay-User-Id") == "alice")
        let timestamp = try #require(request.header("PairPay-Timestamp").flatMap { Int64($0) })
        #expect(timestamp == Int64(fixture.clock.now.timeIntervalSince1970))
        let nonce = try #require(request.header("PairPay-Nonce"))
        #expect(RequestMAC.isValidNonce(nonce))
        let signature = try #require(request.header("PairPay-Signature"))
        #expect(
            RequestMAC.isValid(
                signature: signature, key: AgentFixture.macKey, method: "POST",
                path: "/v1/orders/PP-TERM-7-0001/payment", timestamp: timestamp, nonce: nonce,
                body: request.body))
        // A wrong key does not verify: the check above can fail.
        #expect(
            !RequestMAC.isValid(
                signature: signature, key: Array(repeating: 8, count: 32), method: "POST",
                path: "/v1/orders/PP-TERM-7-0001/payment", timestamp: timestamp, nonce: nonce,
                body: request.body))
        #expect(request.header("Authorization") == nil)
    }

    @Test func passwordUsersSendBasicAndCertificateUsersNoHeader() async throws {
        let password = try AgentFixture([], authentication: .password(userID: "bob", password: "s3cret:x"))
        let basic = MemoryTransport([.respond(200, try password.signedBody())])
        _ = try await PhoneAgent(configuration: password.agent.configuration, transport: basic).pay(
            password.payload, with: .vaultReference("vr_abc"))
        let sentBasic = try #require(basic.requests.first)
        let header = try #require(sentBasic.header("Authorization"))
        #expect(header.hasPrefix("Basic "))
        let decoded = Data(base64Encoded: String(header.dropFirst("Basic ".count))).map {
            String(decoding: $0, as: UTF8.self)
        }
        #expect(decoded == "bob:s3cret:x")
        #expect(sentBasic.header("PairPay-Signature") == nil)
        #expect(String(decoding: sentBasic.body, as: UTF8.self).contains(#""vaultReference":"vr_abc""#))

        let mtls = try AgentFixture([], authentication: .clientCertificate)
        let plain = MemoryTransport([.respond(200, try mtls.signedBody())])
        _ = try await PhoneAgent(configuration: mtls.agent.configuration, transport: plain).pay(
            mtls.payload, with: try AgentFixture.card)
        let sentPlain = try #require(plain.requests.first)
        #expect(sentPlain.headers.map(\.name) == ["Content-Type"])
    }

    @Test func awaitingTheStoreRepeatsTheIdenticalRequestWithNewNoncesUntilTheResult() async throws {
        let fixture = try AgentFixture([])
        fixture.transport.enqueue([
            .respond(
                202, #"{"orderId":"PP-TERM-7-0001","merchantId":"MERCHANT-42","state":"awaiting-first"}"#),
            .respond(202, #"{"state":"awaiting-first"}"#),
            .respond(202, #"{"state":"awaiting-first"}"#),
            .respond(200, try fixture.signedBody()),
        ])
        let events = Mutex<[PaymentProgress]>([])
        let outcome = try await fixture.agent.pay(fixture.payload, with: try AgentFixture.card) { event in
            events.withLock { $0.append(event) }
        }
        #expect(outcome.isApproved)
        #expect(outcome.attempts == 4)
        let requests = fixture.transport.requests
        #expect(requests.count == 4)
        #expect(Set(requests.map(\.body)).count == 1)
        #expect(Set(requests.compactMap { $0.header("PairPay-Nonce") }).count == 4)
        #expect(fixture.clock.sleeps == [.milliseconds(250), .milliseconds(500), .seconds(1)])
        let recorded = events.withLock { $0 }
        #expect(recorded.first == .sending(attempt: 1))
        #expect(recorded.contains(.waitingForStore(attempt: 1, retryIn: .milliseconds(250))))
        #expect(recorded.last == .sending(attempt: 4))
    }

    @Test func waitingEndsAfterTheCodeExpiresWithOneMoreLook() async throws {
        let clock = TestClock(advancePerSleep: .seconds(60))
        let fixture = try AgentFixture(
            Array(repeating: .respond(202, #"{"state":"awaiting-first"}"#), count: 10), clock: clock,
            expiresIn: 100)
        await #expect(
            throws: PhoneAgentError.expiredWhileWaiting(expiresAt: fixture.payload.expiresAt, attempts: 4)
        ) {
            try await fixture.agent.pay(fixture.payload, with: try AgentFixture.card)
        }
        // t=0 202, t=60 202, t=120 (expired) 202, one more look at t=180, then give up.
        #expect(fixture.transport.requests.count == 4)
    }

    @Test func anExpiredCodeSendsNothing() async throws {
        let fixture = try AgentFixture([], expiresIn: -5)
        await #expect(throws: PhoneAgentError.self) {
            try await fixture.agent.pay(fixture.payload, with: try AgentFixture.card)
        }
        let card = try AgentFixture.card
        do {
            _ = try await fixture.agent.pay(fixture.payload, with: card)
            Issue.record("an expired code was paid")
        } catch {
            #expect(error.meansExpired)
            #expect(error.description.contains("nothing was paid"))
        }
        #expect(fixture.transport.requests.isEmpty)
    }

    @Test func relayPostsTheRelayTextAsPlainText() async throws {
        let fixture = try AgentFixture([])
        let transport = MemoryTransport([.respond(200, try fixture.signedBody()), .respond(204, "")])
        let agent = PhoneAgent(
            configuration: fixture.agent.configuration, transport: transport, sleep: { _ in })
        let outcome = try await agent.pay(fixture.payload, with: try AgentFixture.card)
        let url = try await agent.relay(outcome, for: fixture.payload)
        #expect(url == "http://127.0.0.1:8090/v1/relay")
        let posted = try #require(transport.requests.last)
        #expect(posted.url == url)
        #expect(posted.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = String(decoding: posted.body, as: UTF8.self)
        #expect(text == (try outcome.relayText()))
        let verified = try ResultVerifier(publicKey: fixture.signer.publicKey).verifyRelay(text)
        #expect(verified.orderID == fixture.payload.orderID)
    }

    @Test func relayFailuresAndMissingRelayURLAreSaid() async throws {
        let fixture = try AgentFixture([], relayURL: nil)
        let transport = MemoryTransport([.respond(200, try fixture.signedBody()), .respond(500, "x")])
        let agent = PhoneAgent(configuration: fixture.agent.configuration, transport: transport)
        let outcome = try await agent.pay(fixture.payload, with: try AgentFixture.card)
        await #expect(throws: PhoneAgentError.noRelayURL) {
            try await agent.relay(outcome, for: fixture.payload)
        }

        let withRelay = try AgentFixture([])
        let failing = MemoryTransport([.respond(500, AgentFixture.error("internal", "disk full"))])
        let relayAgent = PhoneAgent(configuration: withRelay.agent.configuration, transport: failing)
        do {
            try await relayAgent.relay(outcome, for: withRelay.payload)
            Issue.record("a 500 from the relay endpoint was taken as relayed")
        } catch {
            #expect(error.description.contains("HTTP 500 disk full"))
        }
    }

    @Test func retryPolicyDoublesUpToTheMaximum() {
        let policy = RetryPolicy(initialDelay: .milliseconds(250), maximumDelay: .seconds(2))
        #expect(
            (1...6).map(policy.delay(afterAttempt:)) == [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2),
            ])
    }
}
