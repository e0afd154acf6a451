import ISO8583

/// Errors of the ISO 8583 acquirer. Link problems become outcomes; these are what remain.
public enum AcquirerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The amount is not 1…999 999 999 999 minor units, all that ISO 8583 field 4 can carry.
    case amountNotPayable(Int64)
    /// The message could not be encoded (nothing was recorded or sent). The case names the field.
    case unencodable(ISO8583Error)
    /// The terminal ID does not fit ISO 8583 field 41 (8 printable ASCII characters).
    case invalidTerminalID(String)
    /// The merchant ID does not fit field 42 (15 printable ASCII characters).
    case invalidMerchantID(String)
    /// No authorization with this reference is known to this acquirer's store.
    case unknownAuthorization(Int64)
    /// Only approved authorizations can be reversed.
    case notReversible(Int64, state: String)
    /// The authorization is captured (or its capture is on its way): give it back with a refund.
    case captured(Int64)

    public var description: String {
        switch self {
        case .amountNotPayable(let amount):
            return
                "amount \(amount) cannot be sent to the bank: ISO 8583 field 4 carries 1 to 999999999999 minor units"
        case .unencodable(let error):
            return "the authorization could not be encoded and was not sent: \(error)"
        case .invalidTerminalID(let id): return "terminal ID '\(id)' must be 1-8 printable ASCII characters"
        case .invalidMerchantID(let id): return "merchant ID '\(id)' must be 1-15 printable ASCII characters"
        case .unknownAuthorization(let id): return "authorization #\(id) is not in this acquirer's store"
        case .notReversible(let id, let state):
            return "authorization #\(id) is \(state), not approved: nothing to reverse"
        case .captured(let id):
            return "authorization #\(id) is captured: it can only be refunded, not reversed"
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
