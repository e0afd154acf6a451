import Crypto
import Foundation
import PairPayCore
import _CryptoExtras

/// scrypt password hashes (swift-crypto `_CryptoExtras` `KDF.Scrypt`), salted, self-describing:
/// `scrypt$<N>$<r>$<p>$<salt hex>$<hash hex>`. The cost is stored in each hash, so it can be
/// raised later without breaking old ones.
public struct PasswordHasher: Sendable {
    /// scrypt's N (a power of two).
    public let rounds: Int
    public let blockSize: Int
    public let parallelism: Int

    /// N = 2¹⁵, r = 8, p = 1 (about 32 MiB and tens of milliseconds).
    public static let standard = PasswordHasher(rounds: 1 << 15, blockSize: 8, parallelism: 1)
    /// A cheap setting for tests only.
    public static let fastForTests = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)

    public init(rounds: Int, blockSize: Int, parallelism: Int) {
        self.rounds = rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// A new salted hash of `password`.
    public func hash(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let derived = try Self.derive(
            password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(rounds)$\(blockSize)$\(parallelism)$\(Hex.encode(salt))$\(Hex.encode(derived))"
    }

    /// Whether `password` matches `encoded` (compared in constant time). False for a malformed hash.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]),
            let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), let salt = Hex.decode(parts[4]),
            let expected = Hex.decode(parts[5]),
            let derived = try? derive(
                password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        guard derived.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(derived, expected) { difference |= a ^ b }
        return difference == 0
    }

    private static func derive(
        _ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int
    ) throws
        -> [UInt8]
    {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
