import Crypto
import Foundation
import SwiftASN1
import X509

/// The files of a PairPay PKI directory:
///
/// ```
/// DIR/ca.pem  DIR/ca-key.pem                 the test CA
/// DIR/server.pem  DIR/server-key.pem         the settlement server (localhost, 127.0.0.1)
/// DIR/clients/ID.pem  DIR/clients/ID-key.pem a store's or user's client certificate
/// ```
/// Private keys are written with mode 0600; nothing is ever overwritten.
public struct PKIDirectory: Sendable {
    /// The directory.
    public let path: String

    public init(path: String) { self.path = path }

    public var caCertificatePath: String { path + "/ca.pem" }
    public var caKeyPath: String { path + "/ca-key.pem" }
    public var serverCertificatePath: String { path + "/server.pem" }
    public var serverKeyPath: String { path + "/server-key.pem" }
    public func clientCertificatePath(_ id: String) -> String { path + "/clients/\(id).pem" }
    public func clientKeyPath(_ id: String) -> String { path + "/clients/\(id)-key.pem" }

    /// Makes a new CA and server certificate; returns the paths written.
    @discardableResult
    public func initialize(
        serverDNSNames: [String] = ["localhost"], serverIPAddresses: [String] = ["127.0.0.1"]
    ) throws -> [String] {
        for file in [caCertificatePath, caKeyPath, serverCertificatePath, serverKeyPath]
        where FileManager.default.fileExists(atPath: file) {
            throw PKIError.fileExists(file)
        }
        try FileManager.default.createDirectory(atPath: path + "/clients", withIntermediateDirectories: true)
        let ca = try CertificateAuthority.generate()
        let server = try ca.issueServerCertificate(dnsNames: serverDNSNames, ipAddresses: serverIPAddresses)
        try Self.write(try ca.certificate.serializeAsPEM().pemString, to: caCertificatePath, secret: false)
        try Self.write(ca.privateKey.pemRepresentation, to: caKeyPath, secret: true)
        try Self.write(
            try server.certificate.serializeAsPEM().pemString, to: serverCertificatePath, secret: false)
        try Self.write(server.privateKey.pemRepresentation, to: serverKeyPath, secret: true)
        return [caCertificatePath, caKeyPath, serverCertificatePath, serverKeyPath]
    }

    /// Loads the CA made by ``initialize(serverDNSNames:serverIPAddresses:)``.
    public func loadAuthority() throws -> CertificateAuthority {
        let certificate = try Certificate(pemEncoded: try Self.read(caCertificatePath))
        let keyText = try Self.read(caKeyPath)
        do {
            return CertificateAuthority(
                certificate: certificate, privateKey: try P256.Signing.PrivateKey(pemRepresentation: keyText))
        } catch {
            throw PKIError.unreadablePEM(path: caKeyPath, reason: "\(error)")
        }
    }

    /// Issues a client certificate for `id`; returns (certificate path, key path, SHA-256 fingerprint).
    public func issueClient(
        id: String, kind: ClientKind
    ) throws -> (
        certificatePath: String, keyPath: String, fingerprint: String
    ) {
        let certificatePath = clientCertificatePath(id)
        let keyPath = clientKeyPath(id)
        for file in [certificatePath, keyPath] where FileManager.default.fileExists(atPath: file) {
            throw PKIError.fileExists(file)
        }
        let issued = try loadAuthority().issueClientCertificate(id: id, kind: kind)
        try FileManager.default.createDirectory(atPath: path + "/clients", withIntermediateDirectories: true)
        try Self.write(try issued.certificate.serializeAsPEM().pemString, to: certificatePath, secret: false)
        try Self.write(issued.privateKey.pemRepresentation, to: keyPath, secret: true)
        return (certificatePath, keyPath, try CertificateFingerprint.sha256(issued.certificate))
    }

    static func read(_ path: String) throws -> String {
        guard
            let text = FileManager.default.contents(atPath: path).flatMap({
                String(decoding: $0, as: UTF8.self)
            })
        else { throw PKIError.missingFile(path) }
        return text
    }

    static func write(_ text: String, to path: String, secret: Bool) throws {
        let created = FileManager.default.createFile(
            atPath: path, contents: Data((text.hasSuffix("\n") ? text : text + "\n").utf8),
            attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        guard created else { throw PKIError.unreadablePEM(path: path, reason: "could not be written") }
    }
}

extension PKIDirectory {
    /// Where ``issueServer(name:dnsNames:ipAddresses:)`` writes the certificate of `name`.
    public func serverCertificatePath(name: String) -> String { path + "/servers/\(name).pem" }
    /// Where ``issueServer(name:dnsNames:ipAddresses:)`` writes the key of `name` (mode 0600).
    public func serverKeyPath(name: String) -> String { path + "/servers/\(name)-key.pem" }

    /// Issues another server certificate from the CA, for a second TLS listener (registerd's push
    /// receiver); returns the certificate and key paths.
    @discardableResult
    public func issueServer(
        name: String, dnsNames: [String], ipAddresses: [String]
    ) throws -> (certificatePath: String, keyPath: String) {
        let certificatePath = serverCertificatePath(name: name)
        let keyPath = serverKeyPath(name: name)
        for file in [certificatePath, keyPath] where FileManager.default.fileExists(atPath: file) {
            throw PKIError.fileExists(file)
        }
        let issued = try loadAuthority().issueServerCertificate(
            commonName: name, dnsNames: dnsNames, ipAddresses: ipAddresses)
        try FileManager.default.createDirectory(atPath: path + "/servers", withIntermediateDirectories: true)
        try Self.write(try issued.certificate.serializeAsPEM().pemString, to: certificatePath, secret: false)
        try Self.write(issued.privateKey.pemRepresentation, to: keyPath, secret: true)
        return (certificatePath, keyPath)
    }
}
