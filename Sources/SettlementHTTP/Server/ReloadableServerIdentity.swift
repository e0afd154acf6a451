import Foundation
import NIOSSL
import Synchronization

/// The certificate and key a TLS server presents, replaceable while it runs (issue 16): every
/// handshake asks for the current pair, so a reload (settlementd's SIGHUP) reaches the next
/// connection, and connections already open keep theirs. A pair that cannot be read, or whose
/// key does not fit its certificate, is refused and the old one kept.
public final class ReloadableServerIdentity: Sendable {
    /// What is presented now.
    public struct Identity: Sendable {
        public let chain: [NIOSSLCertificate]
        public let key: NIOSSLPrivateKey
        /// The leaf's last valid moment.
        public let notValidAfter: Date
    }

    /// Where the pair is read from.
    public let tls: ServerTLS
    private let current: Mutex<Identity>

    /// Reads the pair at `tls`'s paths.
    /// - Throws: ``ServerTLSError`` naming the file that cannot be used.
    public init(_ tls: ServerTLS) throws(ServerTLSError) {
        self.tls = tls
        current = Mutex(try Self.read(tls))
    }

    /// The pair presented now.
    public var identity: Identity { current.withLock { $0 } }

    /// Reads the files again and, when they hold a usable pair, presents it from the next
    /// handshake on.
    /// - Throws: ``ServerTLSError``; the pair presented stays the old one.
    @discardableResult
    public func reload() throws(ServerTLSError) -> Identity {
        let fresh = try Self.read(tls)
        current.withLock { $0 = fresh }
        return fresh
    }

    /// For `TLSConfiguration.sslContextCallback`: the current pair for each handshake.
    public var contextCallback: NIOSSLContextCallback {
        { [self] _, promise in
            let identity = self.identity
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = identity.chain.map { .certificate($0) }
            override.privateKey = .privateKey(identity.key)
            promise.succeed(override)
        }
    }

    static func read(_ tls: ServerTLS) throws(ServerTLSError) -> Identity {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath) } catch {
            throw .unreadable(path: tls.certificatePath, what: "server certificate", reason: "\(error)")
        }
        do { key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem) } catch {
            throw .unreadable(path: tls.keyPath, what: "server private key", reason: "\(error)")
        }
        guard let leaf = chain.first else {
            throw .unreadable(
                path: tls.certificatePath, what: "server certificate", reason: "no certificate in it")
        }
        // A context built from the pair checks that the key is the certificate's.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw .unreadable(
                path: tls.keyPath, what: "server private key",
                reason: "it does not belong to the certificate in \(tls.certificatePath) (\(error))")
        }
        return Identity(
            chain: chain, key: key,
            notValidAfter: Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter)))
    }
}
