import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checks the server's signature on a settlement result: what the store and the phone run on
/// every result they receive, whichever way it came (HTTP, push or relay).
public struct ResultVerifier: Sendable {
    /// The server's raw 32-byte public keys by key id (raw because swift-crypto's key type is not
    /// `Sendable`).
    private let publicKeyBytes: [String: [UInt8]]

    public init(publicKeys: [String: Curve25519.Signing.PublicKey]) {
        self.publicKeyBytes = publicKeys.mapValues { Array($0.rawRepresentation) }
    }

    /// A verifier for one key, under its default id.
    public init(publicKey: Curve25519.Signing.PublicKey) {
        self.init(publicKeys: [ResultSigner.keyID(for: publicKey): publicKey])
    }

    /// Returns the result if the signature is the server's over its canonical bytes.
    /// - Throws: ``ResultVerificationError`` when the key is unknown or the signature is wrong.
    public func verify(_ signed: SignedSettlementResult) throws(ResultVerificationError) -> SettlementResult {
        try checkSignature(signed.signature, keyID: signed.keyID, over: signed.result.canonicalBytes)
        return signed.result
    }

    /// Checks a base64 Ed25519 signature of key `keyID` over `bytes`.
    func checkSignature(_ base64: String, keyID: String, over bytes: [UInt8]) throws(ResultVerificationError)
    {
        guard let raw = publicKeyBytes[keyID],
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw .unknownKey(keyID) }
        guard let signature = Data(base64Encoded: base64), signature.count == 64 else {
            throw .malformed("signature must be 64 bytes in standard base64")
        }
        guard key.isValidSignature(signature, for: bytes) else { throw .badSignature }
    }

    /// Parses and verifies a `PAIRPAY-RESULT1:` relay text.
    /// - Throws: ``ResultVerificationError`` when it is malformed or not signed by the server.
    public func verifyRelay(_ text: String) throws(ResultVerificationError) -> SettlementResult {
        try verify(try SignedSettlementResult(relayText: text))
    }
}

/// Why a signed result was refused.
public enum ResultVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key id is not one of the server keys this verifier knows.
    case unknownKey(String)
    /// The signature does not match: the result was altered or not signed by the server.
    case badSignature
    /// The text or JSON is not a signed result.
    case malformed(String)
    /// The relay text is longer than 2048 characters.
    case relayTooLong(Int)
    /// The crypto library could not sign.
    case signingFailed

    public var description: String {
        switch self {
        case .unknownKey(let id):
            return "result signed with unknown key id '\(id)': fetch the server's current public key"
        case .badSignature:
            return
                "result signature is not valid: the result was altered or not signed by the server; do not trust it"
        case .malformed(let detail):
            return "malformed signed result: \(detail)"
        case .relayTooLong(let length):
            return "relay text is \(length) characters; at most 2048 fit the register's RELAY frame"
        case .signingFailed:
            return "signing the result failed: check the server's signing key"
        }
    }
}
