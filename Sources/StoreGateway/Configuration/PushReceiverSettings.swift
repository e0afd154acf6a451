/// The HTTPS push receiver's address, TLS files and push secret.
public struct PushReceiverSettings: Sendable {
    /// Where it listens (`push-listen`).
    public var listen: ListenAddress
    /// Its certificate and key (`push-cert`, `push-key`).
    public var tls: ListenerTLS
    /// The push secret printed by `pairpay enroll merchant --push-url` (`push-secret-file`).
    public var secret: [UInt8]

    public init(listen: ListenAddress, tls: ListenerTLS, secret: [UInt8]) {
        self.listen = listen
        self.tls = tls
        self.secret = secret
    }
}
