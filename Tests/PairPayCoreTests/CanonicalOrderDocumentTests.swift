import Crypto
import Foundation
import PairPayCore
import Testing

/// Every vector in docs/CANONICAL-ORDER.md: the JSON decodes, encodes to the hex bytes given, and
/// has the digest (orders) or Ed25519 signature (results) given.
@Suite struct CanonicalOrderDocumentTests {
    struct Vector {
        var json = ""
        var bytes: [UInt8] = []
        var check = ""
    }

    static let document: String = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/CANONICAL-ORDER.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static let vectors: [String: Vector] = {
        var result: [String: Vector] = [:]
        let lines = document.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("<!-- vector: "), let end = lines[index].range(of: " -->") else {
                index += 1
                continue
            }
            let name = String(
                lines[index][lines[index].index(lines[index].startIndex, offsetBy: 13)..<end.lowerBound])
            var vector = Vector()
            var block = ""
            index += 1
            while index < lines.count, !lines[index].hasPrefix("<!-- ") {
                let line = lines[index]
                if line.hasPrefix("```") {
                    block = line == "```" ? "" : String(line.dropFirst(3))
                } else if block == "json" {
                    vector.json += line
                } else if block == "hex" {
                    vector.bytes += line.split(separator: " ").compactMap { UInt8($0, radix: 16) }
                } else if line.hasPrefix("SHA-256: ") || line.hasPrefix("Ed25519: ") {
                    vector.check = line.split(separator: "`").dropFirst().first.map(String.init) ?? ""
                }
                index += 1
            }
            result[name] = vector
        }
        return result
    }()

    static let signer = ResultSigner(
        privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: (0..<32).map { UInt8($0) }))

    @Test func documentHasAllVectors() {
        #expect(
            Set(Self.vectors.keys) == [
                "order-basic", "order-utf8", "result-approved", "result-mismatch", "result-receipt",
                "refund-approved", "refund-exceeds",
            ])
        for (name, vector) in Self.vectors {
            #expect(!vector.bytes.isEmpty && !vector.check.isEmpty && !vector.json.isEmpty, "\(name)")
        }
    }

    @Test(arguments: ["order-basic", "order-utf8"])
    func orderVector(_ name: String) throws {
        let vector = try #require(Self.vectors[name])
        let contents = try JSONDecoder().decode(OrderContents.self, from: Data(vector.json.utf8))
        #expect(contents.canonicalBytes == vector.bytes)
        #expect(contents.contentsDigest == vector.check)
    }

    @Test(arguments: ["result-approved", "result-mismatch", "result-receipt"])
    func resultVector(_ name: String) throws {
        let vector = try #require(Self.vectors[name])
        let result = try JSONDecoder().decode(SettlementResult.self, from: Data(vector.json.utf8))
        #expect(result.canonicalBytes == vector.bytes)
        #expect(Self.signer.keyID == "56475aa75463474c")
        let signed = SignedSettlementResult(result: result, keyID: Self.signer.keyID, signature: vector.check)
        #expect(try ResultVerifier(publicKey: Self.signer.publicKey).verify(signed) == result)
        // swift-crypto's Ed25519 on Linux (BoringSSL) is deterministic like the Python reference.
        #if os(Linux)
        #expect(try Self.signer.sign(result).signature == vector.check)
        #endif
    }

    @Test(arguments: ["refund-approved", "refund-exceeds"])
    func refundVector(_ name: String) throws {
        let vector = try #require(Self.vectors[name])
        let refund = try JSONDecoder().decode(RefundResult.self, from: Data(vector.json.utf8))
        #expect(refund.canonicalBytes == vector.bytes)
        let signed = SignedRefundResult(refund: refund, keyID: Self.signer.keyID, signature: vector.check)
        let verifier = ResultVerifier(publicKey: Self.signer.publicKey)
        #expect(try verifier.verify(signed) == refund)
        #if os(Linux)
        #expect(try Self.signer.sign(refund).signature == vector.check)
        #endif
        // The signature of a refund is not the signature of a sale with the same fields.
        let lookalike = try SettlementResult(
            resultID: refund.refundID, merchantID: refund.merchantID, orderID: refund.orderID,
            status: .approved, reason: .approved, total: refund.amount, approvalCode: refund.approvalCode,
            decidedAt: refund.decidedAt)
        #expect(throws: ResultVerificationError.badSignature) {
            try verifier.verify(
                SignedSettlementResult(result: lookalike, keyID: Self.signer.keyID, signature: vector.check))
        }
    }

    @Test func requestMACVector() throws {
        let signature = try #require(
            Self.document.components(separatedBy: "\n").first { $0.hasPrefix("- signature: ") }?
                .split(separator: "`").dropFirst().first.map(String.init))
        let key = (0..<32).map { UInt8($0) }
        let body = Array(#"{"orderId":"PP-TERM-7-000042"}"#.utf8)
        #expect(
            RequestMAC.signature(
                key: key, method: "POST", path: "/v1/orders", timestamp: 1_767_225_600,
                nonce: "0123456789abcdef",
                body: body) == signature)
        #expect(
            RequestMAC.isValid(
                signature: signature, key: key, method: "POST", path: "/v1/orders", timestamp: 1_767_225_600,
                nonce: "0123456789abcdef", body: body))
        #expect(
            !RequestMAC.isValid(
                signature: signature, key: key, method: "POST", path: "/v1/orders", timestamp: 1_767_225_601,
                nonce: "0123456789abcdef", body: body))
    }
}
