import Crypto
import Foundation
import PairPayCore

/// What the phone is set up with before it scans anything: the one settlement server it pays
/// through, that server's result key, and how the user signs in.
public struct PhoneAgentConfiguration: Sendable {
    /// The settlement server's base URL, `https://host[:port]`. A payment code naming another
    /// server is refused, so a swapped QR code cannot send the card elsewhere.
    public let serverURL: String
    /// Checks results with the server's Ed25519 public key.
    public let verifier: ResultVerifier
    /// How the user proves who they are.
    public let authentication: UserAuthentication
    /// How 202 answers are repeated.
    public let retry: RetryPolicy

    /// Creates a configuration.
    /// - Throws: ``PhoneAgentError/invalidServerURL(_:)`` unless `serverURL` is an `https://` URL
    ///   without a path.
    public init(
        serverURL: String, serverPublicKey: Curve25519.Signing.PublicKey, authentication: UserAuthentication,
        retry: RetryPolicy = RetryPolicy()
    ) throws(PhoneAgentError) {
        guard ServerAddress(serverURL) != nil else { throw .invalidServerURL(serverURL) }
        self.serverURL = serverURL
        self.verifier = ResultVerifier(publicKey: serverPublicKey)
        self.authentication = authentication
        self.retry = retry
    }

    /// Reads the server's result key as `pairpay keys server-signing` prints it: 64 hex digits,
    /// alone or as the last word of the `public key …` line.
    /// - Throws: ``PhoneAgentError/invalidServerKey(_:)`` when it is not an Ed25519 public key.
    public static func serverPublicKey(
        hex text: String
    ) throws(PhoneAgentError) -> Curve25519.Signing.PublicKey {
        let word = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).last
        guard let word, let bytes = Hex.decode(String(word)), bytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else {
            throw .invalidServerKey(
                "it must hold the 64 hex digits of the `public key` line of `pairpay keys server-signing`")
        }
        return key
    }
}
