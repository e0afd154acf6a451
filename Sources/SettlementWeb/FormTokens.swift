import Crypto
import Foundation
import PairPayCore

/// Signed, expiring tokens of the checkout pages: the CSRF token of each form, the session of a
/// signed-in user, and the payer's ticket to see the result. Each is
/// `ISSUED.HEX(HMAC-SHA256(key, PURPOSE \n FIELDS… \n ISSUED))`, bound to the browser's own cookie
/// id so that a token taken from one browser is useless in another.
///
/// The key is random per process by default: tokens then do not outlive a restart (a form is
/// simply shown again). Several instances share one key file (`--checkout-key`).
public struct FormTokens: Sendable {
    /// What a token is for; part of what is signed, so one cannot stand in for another.
    enum Purpose: String {
        case form, session, ticket

        /// How long a token is accepted: a form 15 minutes (``FormTokens/lifetime``), a sign-in
        /// session 10 minutes, the payer's ticket to the result an hour (as its cookie).
        func lifetime(forms: TimeInterval) -> TimeInterval {
            switch self {
            case .form: forms
            case .session: min(forms, 600)
            case .ticket: 3600
            }
        }
    }

    let keyBytes: [UInt8]
    let lifetime: TimeInterval

    /// - Parameters:
    ///   - key: 32 bytes; a fresh random key when nil.
    ///   - lifetime: how long a token is accepted, in seconds.
    public init(key: [UInt8]? = nil, lifetime: TimeInterval = 15 * 60) {
        self.keyBytes = key ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        self.lifetime = lifetime
    }

    func issue(_ purpose: Purpose, _ fields: [String], at now: Date) -> String {
        let issued = Int64(now.timeIntervalSince1970)
        return "\(issued).\(mac(purpose, fields, issued))"
    }

    /// Whether `token` was issued for `purpose` and `fields` and has not expired at `now`.
    func verify(_ token: String, _ purpose: Purpose, _ fields: [String], at now: Date) -> Bool {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let issued = Int64(parts[0]), let given = Hex.decode(String(parts[1])),
            given.count == 32
        else { return false }
        let age = now.timeIntervalSince1970 - TimeInterval(issued)
        guard age >= -60, age <= purpose.lifetime(forms: lifetime) else { return false }
        let expected = Hex.decode(mac(purpose, fields, issued)) ?? []
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }

    private func mac(_ purpose: Purpose, _ fields: [String], _ issued: Int64) -> String {
        let message = ([purpose.rawValue] + fields + [String(issued)]).joined(separator: "\n")
        return Hex.encode(
            Array(
                HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: keyBytes))
            ))
    }

    /// A new random browser id for the `pp_b` cookie.
    static func browserID() -> String {
        Hex.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })
    }
}
