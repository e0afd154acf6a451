import Crypto
import Foundation
import PairPayCore
import Testing

@Suite struct ResultSigningTests {
    static func result(total: Int64 = 1155) throws -> SettlementResult {
        try SettlementResult(
            resultID: "res-1", merchantID: "MERCHANT-42", orderID: "PP-1", status: .approved,
            reason: .approved,
            total: Money(minorUnits: total, currency: .jpy), approvalCode: "A1B2C3", cardLast4: "1111",
            decidedAt: 1_767_225_600)
    }

    @Test func signedResultVerifiesAndAlterationIsDetected() throws {
        let signer = ResultSigner(privateKey: Curve25519.Signing.PrivateKey())
        let verifier = ResultVerifier(publicKey: signer.publicKey)
        let signed = try signer.sign(try Self.result())
        #expect(try verifier.verify(signed) == (try Self.result()))
        let altered = SignedSettlementResult(
            result: try Self.result(total: 1), keyID: signed.keyID, signature: signed.signature)
        #expect(throws: ResultVerificationError.badSignature) { try verifier.verify(altered) }
        let otherKey = ResultSigner(privateKey: Curve25519.Signing.PrivateKey(), keyID: signed.keyID)
        #expect(throws: ResultVerificationError.badSignature) {
            try verifier.verify(try otherKey.sign(try Self.result()))
        }
        let unknown = SignedSettlementResult(
            result: signed.result, keyID: "nope", signature: signed.signature)
        #expect(throws: ResultVerificationError.unknownKey("nope")) { try verifier.verify(unknown) }
    }

    @Test func relayTextRoundTrips() throws {
        let signer = ResultSigner(privateKey: Curve25519.Signing.PrivateKey())
        let signed = try signer.sign(try Self.result())
        let text = try signed.relayText()
        #expect(text.hasPrefix("PAIRPAY-RESULT1:"))
        #expect(text.utf8.count <= 2048)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(try SignedSettlementResult(relayText: text) == signed)
        #expect(try ResultVerifier(publicKey: signer.publicKey).verifyRelay(text) == signed.result)
        #expect(throws: ResultVerificationError.self) {
            try SignedSettlementResult(relayText: "PAIRPAY-RESULT1:%%")
        }
        #expect(throws: ResultVerificationError.self) { try SignedSettlementResult(relayText: "HELLO") }
    }

    @Test func resultJSONHasTheContractKeys() throws {
        let data = try JSONEncoder().encode(try Self.result())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "resultId", "merchantId", "orderId", "status", "reason", "total", "currency", "approvalCode",
                "cardLast4", "decidedAt",
            ])
        #expect(object["currency"] as? String == "JPY")
    }
}
