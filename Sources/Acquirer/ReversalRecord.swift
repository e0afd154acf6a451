import Foundation

/// A reversal as the operator sees it (`pairpay reversals list`): which authorization, for which
/// order and amount, and where it stands. No card data beyond the masked number.
public struct ReversalRecord: Sendable, Equatable {
    /// Where a reversal stands.
    public enum State: String, Sendable, CaseIterable, Comparable {
        /// Queued: settlementd sends it (0400, then 0401 repeats) until the bank answers.
        case pending
        /// Set aside because it cannot be sent as it is; waits for `retry` or `resolve`.
        case parked
        /// The operator settled it with the bank outside PairPay (`pairpay reversals resolve`).
        case resolved
        /// The bank acknowledged it: the hold is released.
        case acknowledged

        public static func < (left: State, right: State) -> Bool {
            allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
        }
    }

    public let authorizationID: Int64
    public let orderID: String
    /// Field 42 as sent (padded to 15 characters with spaces).
    public let merchant: String
    /// Minor units of ``currency``.
    public let amount: Int64
    /// ISO 4217 numeric code, as in field 49.
    public let currency: String
    public let maskedPAN: String
    public let state: State
    /// How many times it was sent.
    public let attempts: Int
    /// Why it was parked, or the operator's note when resolved; `nil` otherwise.
    public let reason: String?

    public init(
        authorizationID: Int64, orderID: String, merchant: String, amount: Int64, currency: String,
        maskedPAN: String, state: State, attempts: Int, reason: String?
    ) {
        self.authorizationID = authorizationID
        self.orderID = orderID
        self.merchant = merchant
        self.amount = amount
        self.currency = currency
        self.maskedPAN = maskedPAN
        self.state = state
        self.attempts = attempts
        self.reason = reason
    }
}

/// Why an operator's action on a reversal was refused.
public enum ReversalActionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No reversal of this authorization is on record.
    case unknown(Int64)
    /// The action does not apply in the reversal's state (for example retrying one the bank
    /// already acknowledged).
    case wrongState(Int64, ReversalRecord.State, action: String)
    /// A resolution needs a note saying how it was settled.
    case emptyNote

    public var description: String {
        switch self {
        case .unknown(let id):
            return "no reversal of authorization #\(id) is on record; `pairpay reversals list` shows them"
        case .wrongState(let id, let state, let action):
            return "the reversal of authorization #\(id) is \(state.rawValue): it cannot be \(action)"
        case .emptyNote:
            return "--note must say how the reversal was settled (for example the bank's reference)"
        }
    }
}
