import Crypto

/// The HMAC-SHA256 that authenticates a store's (or a user's) HTTP request.
///
/// Signed string: `method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex(SHA256(body))`,
/// sent in ``signatureHeader`` as lowercase hex. The timestamp window (±300 s) and nonce replay
/// are checked by the server; this type only computes and compares.
public enum RequestMAC {
    public static let keyIDHeader = "PairPay-Key-Id"
    public static let timestampHeader = "PairPay-Timestamp"
    public static let nonceHeader = "PairPay-Nonce"
    public static let signatureHeader = "PairPay-Signature"
    /// How far a request's timestamp may be from the server's clock, in seconds.
    public static let allowedClockSkew: Int64 = 300

    /// The string that is signed.
    public static func canonicalString(
        method: String, path: String, timestamp: Int64, nonce: String, body: [UInt8]
    ) -> String {
        let bodyHash = Hex.encode(Array(SHA256.hash(data: body)))
        return "\(method)\n\(path)\n\(timestamp)\n\(nonce)\n\(bodyHash)"
    }

    /// The lowercase hex HMAC-SHA256 of the canonical string under `key`.
    public static func signature(
        key: [UInt8], method: String, path: String, timestamp: Int64, nonce: String, body: [UInt8]
    ) -> String {
        let message = canonicalString(
            method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key))
        return Hex.encode(Array(mac))
    }

    /// Whether `signature` (hex, either case) is the right MAC; compares in constant time.
    public static func isValid(
        signature: String, key: [UInt8], method: String, path: String, timestamp: Int64, nonce: String,
        body: [UInt8]
    ) -> Bool {
        guard let given = Hex.decode(signature), given.count == 32 else { return false }
        let message = canonicalString(
            method: method, path: path, timestamp: timestamp, nonce: nonce, body: body)
        return HMAC<SHA256>.isValidAuthenticationCode(
            given, authenticating: Array(message.utf8), using: SymmetricKey(data: key))
    }

    /// Whether a nonce has the allowed form: 16–64 printable ASCII characters, no spaces.
    public static func isValidNonce(_ nonce: String) -> Bool {
        OrderText.isToken(nonce, maxBytes: 64) && nonce.utf8.count >= 16
    }

    /// Whether `timestamp` is within ±``allowedClockSkew`` of `now` (both unix seconds).
    public static func isFresh(timestamp: Int64, now: Int64) -> Bool {
        abs(timestamp - now) <= allowedClockSkew
    }
}
