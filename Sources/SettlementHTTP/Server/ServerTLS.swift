import Foundation
import NIOSSL

/// The server side of TLS: its certificate and key, and the CA whose client certificates it
/// accepts. Client certificates are optional at the TLS level (a presented one must chain to
/// the CA), so clients that sign requests or send passwords connect without one.
public struct ServerTLS: Sendable {
    /// PEM file with the server certificate (and any intermediates).
    public var certificatePath: String
    /// PEM file with the server's private key.
    public var keyPath: String
    /// PEM file with the CA that issues client certificates (the PairPay CA).
    public var clientCAPath: String

    public init(certificatePath: String, keyPath: String, clientCAPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.clientCAPath = clientCAPath
    }

    /// The NIOSSL configuration (TLS 1.2 or later).
    public func configuration() throws(ServerTLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let roots: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw .unreadable(path: certificatePath, what: "server certificate", reason: "\(error)")
        }
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw .unreadable(path: keyPath, what: "server private key", reason: "\(error)")
        }
        do { roots = try NIOSSLCertificate.fromPEMFile(clientCAPath) } catch {
            throw .unreadable(path: clientCAPath, what: "client CA certificate", reason: "\(error)")
        }
        guard !chain.isEmpty else {
            throw .unreadable(
                path: certificatePath, what: "server certificate", reason: "no certificate in it")
        }
        guard !roots.isEmpty else {
            throw .unreadable(
                path: clientCAPath, what: "client CA certificate", reason: "no certificate in it")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates(roots)
        configuration.certificateVerification = .optionalVerification
        return configuration
    }

    /// The configuration, presenting `identity`'s current pair at each handshake (so that
    /// ``ReloadableServerIdentity/reload()`` reaches new connections without a restart).
    public func configuration(
        presenting identity: ReloadableServerIdentity
    ) throws(ServerTLSError) -> TLSConfiguration {
        var configuration = try configuration()
        configuration.sslContextCallback = identity.contextCallback
        return configuration
    }
}

/// Why the TLS files could not be used.
public enum ServerTLSError: Error, CustomStringConvertible {
    /// A PEM file is missing or not what it should be.
    case unreadable(path: String, what: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let what, let reason):
            "cannot read the \(what) from \(path) (\(reason)); make one with `pairpay pki init --dir DIR`"
        }
    }
}
