import Crypto
import SwiftASN1
import X509

/// The SHA-256 fingerprint of a certificate's DER bytes, as lowercase hex: how the settlement
/// server maps a client certificate to a merchant or user.
public enum CertificateFingerprint {
    /// Fingerprint of DER-encoded certificate bytes.
    public static func sha256(der: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(der)).map { String(format: "%02x", $0) }.joined()
    }

    /// Fingerprint of a certificate.
    public static func sha256(_ certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return sha256(der: serializer.serializedBytes)
    }

    /// Fingerprint of the first certificate in a PEM text.
    public static func sha256(pem: String) throws -> String {
        try sha256(Certificate(pemEncoded: pem))
    }
}
