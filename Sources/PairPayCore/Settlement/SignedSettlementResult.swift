/// A ``SettlementResult`` with the server's Ed25519 signature over its canonical bytes.
///
/// The store and the customer's phone both verify it with the server's public key
/// (``ResultVerifier``), so neither can forge or alter it. JSON:
/// `{"result": SettlementResult, "keyId", "signature": base64}`.
public struct SignedSettlementResult: Hashable, Sendable, Codable {
    /// The signed result.
    public let result: SettlementResult
    /// Which server key signed it (``ResultSigner/keyID``).
    public let keyID: String
    /// The 64-byte Ed25519 signature, standard base64 with padding.
    public let signature: String

    public init(result: SettlementResult, keyID: String, signature: String) {
        self.result = result
        self.keyID = keyID
        self.signature = signature
    }

    enum CodingKeys: String, CodingKey {
        case result
        case keyID = "keyId"
        case signature
    }
}
