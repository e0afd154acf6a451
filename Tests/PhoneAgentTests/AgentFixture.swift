import Crypto
import Foundation
import PairPayCore
import PhoneAgent

/// A server key, a payment code and an agent wired to a ``MemoryTransport``.
struct AgentFixture {
    static let server = "https://127.0.0.1:8443"
    static let pan = "4111111111111111"
    static let macKey: [UInt8] = Array(repeating: 7, count: 32)

    let signer = ResultSigner(privateKey: Curve25519.Signing.PrivateKey())
    let clock: TestClock
    let transport: MemoryTransport
    let agent: PhoneAgent
    let payload: PaymentPayload

    init(
        _ script: [MemoryTransport.Answer],
        authentication: UserAuthentication = .requestMAC(
            userID: "alice", keyID: "mk_alice", key: AgentFixture.macKey),
        clock: TestClock = TestClock(), expiresIn: Int64 = 120,
        relayURL: String? = "http://127.0.0.1:8090/v1/relay"
    ) throws {
        self.clock = clock
        transport = MemoryTransport(script)
        let configuration = try PhoneAgentConfiguration(
            serverURL: Self.server, serverPublicKey: signer.publicKey, authentication: authentication,
            retry: RetryPolicy(initialDelay: .milliseconds(250), maximumDelay: .seconds(1)))
        agent = PhoneAgent(
            configuration: configuration, transport: transport, now: { clock.now }, sleep: { clock.sleep($0) }
        )
        payload = try PaymentPayload(
            contents: try Self.contents(), serverURL: Self.server,
            expiresAt: Int64(clock.now.timeIntervalSince1970) + expiresIn, relayURL: relayURL)
    }

    static func contents(orderID: String = "PP-TERM-7-0001") throws -> OrderContents {
        try OrderContents(
            merchantID: "MERCHANT-42", orderID: orderID, currency: .jpy,
            lineItems: [
                try OrderLineItem(
                    code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: 1, tax: 25),
                try OrderLineItem(
                    code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
            ])
    }

    static var card: PaymentInstrument {
        get throws {
            .card(
                CardData(
                    primaryAccountNumber: try PrimaryAccountNumber(pan), expiry: try CardExpiry(yymm: "3012"),
                    securityCode: try CardSecurityCode("123")))
        }
    }

    /// A signed result as the server would send it (200 body).
    func signedBody(
        status: SettlementStatus = .approved, reason: SettlementReason = .approved, orderID: String? = nil,
        merchantID: String? = nil, total: Int64 = 1155, signer other: ResultSigner? = nil
    ) throws -> String {
        let result = try SettlementResult(
            resultID: "res_1", merchantID: merchantID ?? payload.merchantID,
            orderID: orderID ?? payload.orderID,
            status: status, reason: reason, total: Money(minorUnits: total, currency: .jpy),
            approvalCode: status == .approved ? "123456" : nil, cardLast4: "1111", decidedAt: 1_800_000_010)
        let signed = try (other ?? signer).sign(result)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(signed), as: UTF8.self)
    }

    static func error(_ code: String, _ message: String) -> String {
        #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
    }
}
