import Foundation

/// What the HTTP layer needs from the credential store to authenticate requests. The engine's
/// SQLite store provides it in production; tests may use a dictionary.
public protocol CredentialDirectory: Sendable {
    /// The merchant owning MAC key `keyID`, and the key's bytes; nil for an unknown key id.
    func merchantMACKey(keyID: String) async throws -> (merchantID: String, key: [UInt8])?
    /// The user owning MAC key `keyID`, and the key's bytes; nil for an unknown key id or a key
    /// that belongs to a merchant.
    func userMACKey(keyID: String) async throws -> (userID: String, key: [UInt8])?
    /// The merchant a client certificate (SHA-256 fingerprint, lowercase hex) is enrolled for.
    func merchantID(certificateFingerprint: String) async throws -> String?
    /// The user a client certificate (SHA-256 fingerprint, lowercase hex) is enrolled for.
    func userID(certificateFingerprint: String) async throws -> String?
    /// Checks a password with the store's slow salted hash and lock-out.
    func checkPassword(userID: String, password: String) async throws -> PasswordVerdict
    /// Records a request nonce; false when it was already used (a replay).
    func useNonce(_ nonce: String, scope: String, timestamp: Int64) async throws -> Bool
}

/// The answer to a password check.
public enum PasswordVerdict: Sendable, Equatable {
    /// Right user, right password.
    case accepted
    /// Unknown user or wrong password (deliberately not told apart).
    case rejected
    /// Too many failures: refused until this time, whatever the password.
    case locked(until: Date)
    /// Too many checks at once: not checked, not counted; the client may retry after this long.
    case busy(retryAfterSeconds: Int)
}
