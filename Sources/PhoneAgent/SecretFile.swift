import Foundation
import PairPayCore

/// Reads files that hold secrets (wallet, MAC key, password, client key) only when nobody but
/// their owner can read them: mode 0600 or stricter, like ssh keys.
public enum SecretFile {
    /// The file's bytes, after checking its mode.
    /// - Throws: ``PhoneAgentError/secretFileTooOpen(path:mode:)`` when group or others have any
    ///   access; ``PhoneAgentError/fileUnreadable(path:)`` when it cannot be read.
    public static func read(_ path: String) throws(PhoneAgentError) -> Data {
        try checkMode(path)
        guard let data = FileManager.default.contents(atPath: path) else { throw .fileUnreadable(path: path) }
        return data
    }

    /// Checks that only the owner may read or write `path`.
    /// - Throws: ``PhoneAgentError/secretFileTooOpen(path:mode:)`` or
    ///   ``PhoneAgentError/fileUnreadable(path:)``.
    public static func checkMode(_ path: String) throws(PhoneAgentError) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { throw .fileUnreadable(path: path) }
        guard mode & 0o077 == 0 else { throw .secretFileTooOpen(path: path, mode: mode & 0o7777) }
    }

    /// A hex key file (one line of hex digits, as `pairpay enroll user` prints the MAC key).
    /// - Throws: ``PhoneAgentError`` when the mode is too open or the content is not hex.
    public static func hexKey(_ path: String) throws(PhoneAgentError) -> [UInt8] {
        let text = String(decoding: try read(path), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        guard let key = Hex.decode(text), !key.isEmpty else {
            throw .invalidSecretFile(path: path, expected: "the key as hex digits on one line")
        }
        return key
    }

    /// A password file: its first line, without the line break.
    /// - Throws: ``PhoneAgentError`` when the mode is too open or the file is empty.
    public static func password(_ path: String) throws(PhoneAgentError) -> String {
        let text = String(decoding: try read(path), as: UTF8.self)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !password.isEmpty else {
            throw .invalidSecretFile(path: path, expected: "the password on its first line")
        }
        return password
    }
}
