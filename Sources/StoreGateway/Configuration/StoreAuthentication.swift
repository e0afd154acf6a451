/// How the store proves who it is to settlementd.
public enum StoreAuthentication: Sendable {
    /// Mutual TLS: the client certificate enrolled with `pairpay enroll merchant --certificate`
    /// and its private key (PEM files).
    case mutualTLS(certificatePath: String, keyPath: String)
    /// Request MAC (`PairPay-Key-Id`/`-Timestamp`/`-Nonce`/`-Signature`) with the enrolled key.
    case mac(keyID: String, key: [UInt8])

    /// `mtls` or `mac`, as in the configuration.
    public var name: String {
        switch self {
        case .mutualTLS: "mtls"
        case .mac: "mac"
        }
    }
}
