import NIOSSL

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The certificate and key a listener (push receiver, relay endpoint) serves TLS with.
public struct ListenerTLS: Sendable, Equatable {
    /// PEM file with the certificate (and intermediates).
    public var certificatePath: String
    /// PEM file with its private key.
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The NIOSSL server configuration (TLS 1.2 or later).
    /// - Throws: ``StoreGatewayConfigurationError`` naming `option` when a file cannot be read.
    func serverConfiguration(option: String) throws(StoreGatewayConfigurationError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw .unreadable(
                option: "\(option)-cert", path: certificatePath, reason: "not a PEM certificate (\(error))")
        }
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw .unreadable(
                option: "\(option)-key", path: keyPath, reason: "not a PEM private key (\(error))")
        }
        guard !chain.isEmpty else {
            throw .unreadable(option: "\(option)-cert", path: certificatePath, reason: "no certificate in it")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    /// The TLS context a listener serves with, and the certificate's last valid moment.
    /// - Throws: ``StoreGatewayConfigurationError`` naming `option` when a file cannot be read or
    ///   the key does not fit the certificate.
    func load(
        option: String
    ) throws(StoreGatewayConfigurationError) -> (context: NIOSSLContext, notValidAfter: Date) {
        let configuration = try serverConfiguration(option: option)
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            throw .unreadable(
                option: "\(option)-key", path: keyPath, reason: "does not fit \(option)-cert (\(error))")
        }
        guard case .certificate(let leaf)? = configuration.certificateChain.first else {
            throw .unreadable(option: "\(option)-cert", path: certificatePath, reason: "no certificate in it")
        }
        return (context, Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter)))
    }
}
