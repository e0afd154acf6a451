/// Errors of the ISO 8583 acquirer. Link problems become outcomes; these are what remain.
public enum AcquirerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The terminal ID does not fit ISO 8583 field 41 (8 printable ASCII characters).
    case invalidTerminalID(String)
    /// The merchant ID does not fit field 42 (15 printable ASCII characters).
    case invalidMerchantID(String)
    /// No authorization with this reference is known to this acquirer's store.
    case unknownAuthorization(Int64)
    /// Only approved authorizations can be reversed.
    case notReversible(Int64, state: String)

    public var description: String {
        switch self {
        case .invalidTerminalID(let id): return "terminal ID '\(id)' must be 1-8 printable ASCII characters"
        case .invalidMerchantID(let id): return "merchant ID '\(id)' must be 1-15 printable ASCII characters"
        case .unknownAuthorization(let id): return "authorization #\(id) is not in this acquirer's store"
        case .notReversible(let id, let state):
            return "authorization #\(id) is \(state), not approved: nothing to reverse"
        }
    }
}

/// Why the link could not deliver a request and its answer.
enum LinkError: Error, Equatable, Sendable {
    /// Could not connect; the request was never sent.
    case notConnected
    /// No matching answer within the response timeout.
    case timeout
    /// The connection closed while waiting.
    case connectionLost
}
