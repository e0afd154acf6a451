import DaemonSupport
import PairPayCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the key files of the gateway's configuration: hex secrets (MAC key, push secret) that
/// must be private to registerd's user (mode 0600 or stricter), and the server's public key.
public enum SecretFile {
    /// The hex bytes in a secret file (surrounding whitespace ignored), refused when group or
    /// others may read or write it.
    /// - Throws: ``StoreGatewayConfigurationError`` naming `option`.
    public static func readSecretHex(
        _ path: String, option: String, minimumBytes: Int = 16
    )
        throws(StoreGatewayConfigurationError) -> [UInt8]
    {
        try checkPrivate(path, option: option)
        let bytes = try readHex(path, option: option)
        guard bytes.count >= minimumBytes else {
            throw .unreadable(
                option: option, path: path,
                reason: "holds \(bytes.count) bytes; at least \(minimumBytes) expected")
        }
        return bytes
    }

    /// The server's 32-byte Ed25519 public key from a hex file (the `public key` line of
    /// `pairpay keys server-signing`).
    /// - Throws: ``StoreGatewayConfigurationError`` naming `option`.
    public static func readPublicKey(
        _ path: String, option: String
    ) throws(StoreGatewayConfigurationError) -> [UInt8] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadable(option: option, path: path, reason: "no such file or not readable")
        }
        guard let bytes = try? readHex(path, option: option, lenient: true), bytes.count == 32 else {
            throw .unreadable(
                option: option, path: path,
                reason:
                    "must hold the server's Ed25519 public key as 64 hex digits (the 'public key' line of 'pairpay keys server-signing')"
            )
        }
        return bytes
    }

    /// Refuses a file that group or others can access (a private key or secret).
    /// - Throws: ``StoreGatewayConfigurationError/tooOpen(option:path:mode:)``.
    public static func checkPrivate(_ path: String, option: String) throws(StoreGatewayConfigurationError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadable(option: option, path: path, reason: "no such file or not accessible")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw .tooOpen(option: option, path: path, mode: "0" + String(mode, radix: 8))
        }
    }

    static func readHex(
        _ path: String, option: String, lenient: Bool = false
    ) throws(StoreGatewayConfigurationError) -> [UInt8] {
        let text: String
        do { text = try TextFile.read(path) } catch {
            throw .unreadable(option: option, path: path, reason: "cannot be read (\(error))")
        }
        var candidate = text.trimmingWhitespace()
        if lenient, let line = text.split(separator: "\n").first(where: { $0.hasPrefix("public key ") }) {
            candidate = line.dropFirst("public key ".count).trimmingWhitespace()
        }
        guard let bytes = Hex.decode(candidate), !bytes.isEmpty else {
            throw .unreadable(option: option, path: path, reason: "must hold hex digits only")
        }
        return bytes
    }
}
