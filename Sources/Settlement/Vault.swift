import Crypto
import Foundation
import PairPayCore

/// The card vault's key and cipher: AES-256-GCM with a key read from a file outside the database.
///
/// Ciphertexts are bound (as additional authenticated data) to what they belong to, so a sealed
/// card copied to another user or order does not open. Nothing here logs or prints card data.
public struct Vault: Sendable {
    private let keyBytes: [UInt8]

    /// Reads the key file: exactly 32 raw bytes, or 64 hex digits (an optional newline allowed).
    /// - Throws: ``VaultError`` when the file cannot be read or holds no 256-bit key.
    public init(keyFile path: String) throws(VaultError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .keyFileUnreadable(path) }
        if data.count == 32 {
            try self.init(keyBytes: Array(data))
            return
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Hex.decode(text), bytes.count == 32 else { throw .keyFileInvalid(path) }
        try self.init(keyBytes: bytes)
    }

    /// Uses the given 256-bit key.
    /// - Throws: ``VaultError/keyFileInvalid(_:)`` unless it is 32 bytes.
    public init(keyBytes: [UInt8]) throws(VaultError) {
        guard keyBytes.count == 32 else { throw .keyFileInvalid("(in memory)") }
        self.keyBytes = keyBytes
    }

    /// Writes a new random key file (64 hex digits, mode 0600).
    /// - Throws: ``VaultError/keyFileUnwritable(_:)`` when the file exists or cannot be written.
    public static func createKeyFile(at path: String) throws(VaultError) {
        guard !FileManager.default.fileExists(atPath: path) else { throw .keyFileUnwritable(path) }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let created = FileManager.default.createFile(
            atPath: path, contents: Data((Hex.encode(key) + "\n").utf8),
            attributes: [.posixPermissions: 0o600])
        guard created else { throw .keyFileUnwritable(path) }
    }

    /// Encrypts card data, bound to `context` (for example the user and reference).
    public func seal(_ card: CardData, context: String) throws(VaultError) -> Data {
        let plain = StoredCard(
            pan: card.primaryAccountNumber.digits, expiry: card.expiry.yymm, cvc: card.securityCode?.digits)
        do {
            let data = try JSONEncoder().encode(plain)
            let box = try AES.GCM.seal(data, using: key, authenticating: Data(context.utf8))
            guard let combined = box.combined else { throw VaultError.cannotOpen }
            return combined
        } catch {
            throw .cannotOpen
        }
    }

    /// Decrypts card data sealed with the same key and `context`.
    /// - Throws: ``VaultError/cannotOpen`` for another key, another context or altered bytes.
    public func open(_ sealed: Data, context: String) throws(VaultError) -> CardData {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let data = try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
            let plain = try JSONDecoder().decode(StoredCard.self, from: data)
            return CardData(
                primaryAccountNumber: try PrimaryAccountNumber(plain.pan),
                expiry: try CardExpiry(yymm: plain.expiry),
                securityCode: try plain.cvc.map { cvc throws(CardDataError) in try CardSecurityCode(cvc) })
        } catch {
            throw .cannotOpen
        }
    }

    /// A keyed hash (HMAC-SHA256 under a key derived from the vault key), lowercase hex: lets the
    /// engine recognise a repeated request without storing anything from which a card number
    /// could be recovered.
    public func fingerprint(_ text: String) -> String {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Data("pairpay-request-fingerprint".utf8), outputByteCount: 32)
        return Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: derived)))
    }

    /// The context a vaulted card is sealed under.
    static func vaultContext(userID: String, reference: String) -> String { "vault\n\(userID)\n\(reference)" }

    /// The context a pending order's card is sealed under.
    static func pendingContext(merchantID: String, orderID: String) -> String {
        "pending\n\(merchantID)\n\(orderID)"
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    private struct StoredCard: Codable {
        let pan: String
        let expiry: String
        let cvc: String?
    }
}

/// Why the vault could not do its work. Never contains card data or key bytes.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    case keyFileUnreadable(String)
    case keyFileInvalid(String)
    case keyFileUnwritable(String)
    /// Wrong key, wrong owner or altered ciphertext.
    case cannotOpen

    public var description: String {
        switch self {
        case .keyFileUnreadable(let path):
            return "vault key file \(path) cannot be read: check --vault-key and the file's permissions"
        case .keyFileInvalid(let path):
            return "vault key file \(path) must hold a 256-bit key: 32 raw bytes or 64 hex digits"
        case .keyFileUnwritable(let path):
            return "vault key file \(path) cannot be created (it may already exist)"
        case .cannotOpen:
            return "vaulted card cannot be opened: wrong vault key, wrong owner or damaged record"
        }
    }
}
