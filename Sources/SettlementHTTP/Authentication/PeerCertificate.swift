import NIOCore
import NIOSSL
import PairPayPKI

extension SettlementRequestContext {
    /// The SHA-256 fingerprint of the client certificate presented on this connection, if any.
    ///
    /// The TLS layer has already verified it against the PairPay CA (client certificates are
    /// optional at the TLS level, so MAC and password clients connect without one).
    func peerCertificateFingerprint() async -> String? {
        guard let channel else { return nil }
        guard let certificate = try? await channel.nioSSL_peerCertificate().get(),
            let der = try? certificate.toDERBytes()
        else { return nil }
        return CertificateFingerprint.sha256(der: der)
    }
}
