import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``RefundResult`` with the server's Ed25519 signature over its canonical bytes. JSON:
/// `{"refund": RefundResult, "keyId", "signature": base64}`.
public struct SignedRefundResult: Hashable, Sendable, Codable {
    public let refund: RefundResult
    /// Which server key signed it (``ResultSigner/keyID``).
    public let keyID: String
    /// The 64-byte Ed25519 signature, standard base64 with padding.
    public let signature: String

    public init(refund: RefundResult, keyID: String, signature: String) {
        self.refund = refund
        self.keyID = keyID
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case refund
        case keyID = "keyId"
        case signature
    }
}

extension ResultSigner {
    /// Signs a refund's canonical bytes.
    /// - Throws: ``ResultVerificationError/signingFailed`` if the crypto library fails.
    public func sign(_ refund: RefundResult) throws(ResultVerificationError) -> SignedRefundResult {
        guard let signature = try? privateKey.signature(for: refund.canonicalBytes) else {
            throw .signingFailed
        }
        return SignedRefundResult(
            refund: refund, keyID: keyID, signature: Data(signature).base64EncodedString())
    }
}

extension ResultVerifier {
    /// Returns the refund if the signature is the server's over its canonical bytes.
    /// - Throws: ``ResultVerificationError`` when the key is unknown or the signature is wrong.
    public func verify(_ signed: SignedRefundResult) throws(ResultVerificationError) -> RefundResult {
        try checkSignature(signed.signature, keyID: signed.keyID, over: signed.refund.canonicalBytes)
        return signed.refund
    }
}
