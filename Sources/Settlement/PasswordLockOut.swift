import Foundation

/// The lock-out every ``CredentialStore`` applies: this many wrong passwords in a row lock the
/// user out for ``duration``; a right one (or a new password) clears the count.
public enum PasswordLockOut {
    /// Wrong passwords in a row that lock a user out.
    public static let maximumFailures = 5
    /// How long a lock-out lasts.
    public static let duration: TimeInterval = 15 * 60
}
