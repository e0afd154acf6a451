import Foundation
import HTTPTypes
import Hummingbird
import PairPayCore

/// The request MAC headers of the settlement API (see docs/SETTLEMENT-CONTRACT.md):
///
/// `HMAC-SHA256(key, method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex(SHA256(body)))`,
/// sent as lowercase hex in `PairPay-Signature`, with `PairPay-Timestamp` (unix seconds) and
/// `PairPay-Nonce` (16–64 characters). Both name their key with `PairPay-Key-Id`; users also name
/// themselves with `PairPay-User-Id`, which must be the key's owner.
public struct RequestSignature: Sendable, Equatable {
    public static let keyIDField = HTTPField.Name("PairPay-Key-Id")!
    public static let userIDField = HTTPField.Name("PairPay-User-Id")!
    public static let timestampField = HTTPField.Name("PairPay-Timestamp")!
    public static let nonceField = HTTPField.Name("PairPay-Nonce")!
    public static let signatureField = HTTPField.Name("PairPay-Signature")!

    /// How far the timestamp may be from the server's clock.
    public static let clockWindow: Int64 = RequestMAC.allowedClockSkew

    public let timestamp: Int64
    public let nonce: String
    public let signature: String

    /// Reads the timestamp, nonce and signature headers; nil when none of them is present.
    /// - Throws: ``APIError`` (401) when they are present but malformed.
    static func parse(_ fields: HTTPFields) throws(APIError) -> RequestSignature? {
        let timestampText = fields[timestampField]
        let nonce = fields[nonceField]
        let signatureText = fields[signatureField]
        if timestampText == nil, nonce == nil, signatureText == nil { return nil }
        guard let timestampText, let nonce, let signatureText else {
            throw .unauthenticated(
                "A signed request needs all of PairPay-Timestamp, PairPay-Nonce and PairPay-Signature.")
        }
        guard let timestamp = Int64(timestampText) else {
            throw .unauthenticated("PairPay-Timestamp must be the current time in unix seconds.")
        }
        guard RequestMAC.isValidNonce(nonce) else {
            throw .unauthenticated(
                "PairPay-Nonce must be 16 to 64 printable characters, new for every request.")
        }
        guard signatureText.count == 64, Hex.decode(signatureText) != nil else {
            throw .unauthenticated("PairPay-Signature must be 64 hex digits (HMAC-SHA256).")
        }
        return RequestSignature(timestamp: timestamp, nonce: nonce, signature: signatureText)
    }

    /// The lowercase hex signature a client sends (``RequestMAC`` of PairPayCore).
    public static func sign(
        key: [UInt8], method: String, path: String, timestamp: Int64, nonce: String, body: [UInt8]
    ) -> String {
        RequestMAC.signature(
            key: key, method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
    }

    /// Constant-time check of the signature against `key`.
    func isValid(key: [UInt8], method: String, path: String, body: [UInt8]) -> Bool {
        RequestMAC.isValid(
            signature: signature, key: key, method: method, path: path, timestamp: timestamp, nonce: nonce,
            body: body)
    }
}
