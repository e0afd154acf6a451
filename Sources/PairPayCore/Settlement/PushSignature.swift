import Crypto

/// The `PairPay-Signature` header of a pushed result, like Stripe's:
/// `t=<unix seconds>,v1=<hex HMAC-SHA256(push secret, t + "." + body)>`.
/// Receivers recompute it with their push secret and refuse old timestamps.
public enum PushSignature {
    /// The header name.
    public static let headerName = "PairPay-Signature"
    /// How old (or how far ahead of the receiver's clock) a push's timestamp may be, in seconds.
    public static let maximumAge: Int64 = 300

    /// Whether a push signed at `timestamp` may still be accepted at `now` (both unix seconds):
    /// at most ``maximumAge`` old, and not more than that ahead either.
    public static func isFresh(timestamp: Int64, now: Int64) -> Bool {
        abs(now - timestamp) <= maximumAge
    }

    /// The header value for `body` sent at `timestamp`.
    public static func header(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(mac(secret: secret, timestamp: timestamp, body: body))"
    }

    /// Lowercase hex HMAC-SHA256 of `t + "." + body`.
    public static func mac(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        let message = Array("\(timestamp).".utf8) + body
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
    }

    /// Checks a header as a receiver would (constant-time); nil when it does not verify.
    /// - Returns: the timestamp it carries.
    public static func verify(header: String, secret: [UInt8], body: [UInt8]) -> Int64? {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp else { return nil }
        let message = Array("\(timestamp).".utf8) + body
        for signature in signatures {
            if let bytes = Hex.decode(signature),
                HMAC<SHA256>.isValidAuthenticationCode(
                    bytes, authenticating: message, using: SymmetricKey(data: secret))
            {
                return timestamp
            }
        }
        return nil
    }
}
