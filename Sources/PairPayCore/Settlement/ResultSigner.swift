import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs settlement results with the server's Ed25519 key (swift-crypto `Curve25519.Signing`).
public struct ResultSigner: Sendable {
    /// The raw 32-byte private key (kept raw because swift-crypto's key type is not `Sendable`).
    private let privateKeyBytes: [UInt8]
    /// The key's id, carried in every signed result so verifiers can pick the right public key.
    public let keyID: String

    /// - Parameter keyID: defaults to ``ResultSigner/keyID(for:)`` of the public key.
    public init(privateKey: Curve25519.Signing.PrivateKey, keyID: String? = nil) {
        self.privateKeyBytes = Array(privateKey.rawRepresentation)
        self.keyID = keyID ?? Self.keyID(for: privateKey.publicKey)
    }

    /// The private key. Keep it out of logs and the database.
    public var privateKey: Curve25519.Signing.PrivateKey {
        // The bytes came from a valid key, so this cannot fail.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: privateKeyBytes)
    }

    /// The public key stores and phones verify with.
    public var publicKey: Curve25519.Signing.PublicKey { privateKey.publicKey }

    /// The default key id: the first 16 hex digits of SHA-256 of the raw public key.
    public static func keyID(for publicKey: Curve25519.Signing.PublicKey) -> String {
        String(Hex.encode(Array(SHA256.hash(data: publicKey.rawRepresentation))).prefix(16))
    }

    /// Signs the result's canonical bytes.
    /// - Throws: ``ResultVerificationError/signingFailed`` if the crypto library fails.
    public func sign(_ result: SettlementResult) throws(ResultVerificationError) -> SignedSettlementResult {
        guard let signature = try? privateKey.signature(for: result.canonicalBytes) else {
            throw .signingFailed
        }
        return SignedSettlementResult(
            result: result, keyID: keyID, signature: Data(signature).base64EncodedString())
    }
}
