import Crypto
import Foundation
import SwiftASN1
import X509

/// A small certificate authority for PairPay's test and pilot deployments: one P-256 root that
/// signs the settlement server's certificate and the client certificates of stores and users.
///
/// Everything is made in-process with swift-certificates and swift-crypto (no openssl) and
/// written as PEM.
public struct CertificateAuthority {
    /// The root certificate, self-signed.
    public let certificate: Certificate
    /// The root's private key.
    public let privateKey: P256.Signing.PrivateKey

    /// Wraps an existing root and its key.
    public init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Makes a new self-signed root named `name`, valid from an hour ago for `validity`.
    public static func generate(
        name: String = "PairPay Test CA", validity: TimeInterval = 10 * 365 * 86_400, now: Date = Date()
    ) throws -> CertificateAuthority {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("PairPay")
            CommonName(name)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        return CertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// Issues the settlement server's certificate for `dnsNames` and `ipAddresses`
    /// (default: localhost and 127.0.0.1).
    public func issueServerCertificate(
        commonName: String = "localhost", dnsNames: [String] = ["localhost"],
        ipAddresses: [String] = ["127.0.0.1"], validity: TimeInterval = 825 * 86_400, now: Date = Date()
    ) throws -> IssuedCertificate {
        var names = dnsNames.map { GeneralName.dnsName($0) }
        for address in ipAddresses {
            guard let bytes = Self.ipv4Bytes(address) else { throw PKIError.invalidIPAddress(address) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        return try issue(
            commonName: commonName, organizationalUnit: "settlement-server", validity: validity, now: now,
            extra: try Certificate.Extensions {
                SubjectAlternativeNames(names)
                try ExtendedKeyUsage([.serverAuth])
            })
    }

    /// Issues a client certificate for the store (merchant) or user `id`.
    public func issueClientCertificate(
        id: String, kind: ClientKind, validity: TimeInterval = 825 * 86_400, now: Date = Date()
    ) throws -> IssuedCertificate {
        try issue(
            commonName: id, organizationalUnit: kind.rawValue, validity: validity, now: now,
            extra: try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) })
    }

    private func issue(
        commonName: String, organizationalUnit: String, validity: TimeInterval, now: Date,
        extra: Certificate.Extensions
    ) throws -> IssuedCertificate {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("PairPay")
            OrganizationalUnitName(organizationalUnit)
            CommonName(commonName)
        }
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
            AuthorityKeyIdentifier(keyIdentifier: try subjectKeyIdentifier())
            SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
        }
        for e in extra { try extensions.append(e) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: self.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(privateKey))
        return IssuedCertificate(certificate: certificate, privateKey: key)
    }

    private func subjectKeyIdentifier() throws -> ArraySlice<UInt8> {
        guard let identifier = try certificate.extensions.subjectKeyIdentifier else {
            throw PKIError.missingSubjectKeyIdentifier
        }
        return identifier.keyIdentifier
    }

    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }
}

/// Who a client certificate is for.
public enum ClientKind: String, Sendable, CaseIterable {
    /// A store (its register or back office), authenticated as a merchant.
    case merchant
    /// A user's phone.
    case user
}

/// A certificate with the private key it was issued for.
public struct IssuedCertificate {
    /// The certificate, signed by the CA.
    public let certificate: Certificate
    /// Its P-256 private key.
    public let privateKey: P256.Signing.PrivateKey
}
