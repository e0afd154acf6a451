/// Why a PKI operation failed, worded for the operator.
public enum PKIError: Error, CustomStringConvertible, Sendable {
    /// An address for the server certificate is not dotted IPv4.
    case invalidIPAddress(String)
    /// The CA certificate has no subject key identifier (it was not made by `pairpay pki init`).
    case missingSubjectKeyIdentifier
    /// A file the operation needs is not there.
    case missingFile(String)
    /// A PEM file could not be read as a certificate or a P-256 key.
    case unreadablePEM(path: String, reason: String)
    /// A file would be overwritten.
    case fileExists(String)

    public var description: String {
        switch self {
        case .invalidIPAddress(let address):
            "'\(address)' is not an IPv4 address like 127.0.0.1"
        case .missingSubjectKeyIdentifier:
            "the CA certificate has no subject key identifier; make the CA with `pairpay pki init`"
        case .missingFile(let path):
            "\(path) does not exist; run `pairpay pki init --dir DIR` first"
        case .unreadablePEM(let path, let reason):
            "\(path) is not a PEM certificate or P-256 key: \(reason)"
        case .fileExists(let path):
            "\(path) already exists; remove it or choose another --dir (nothing was overwritten)"
        }
    }
}
