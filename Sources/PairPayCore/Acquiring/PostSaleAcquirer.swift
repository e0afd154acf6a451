/// Money after the sale: the acquirer captures approved authorizations (the hold becomes a
/// posted amount) and refunds captured ones, in part or in full, by reference to the original
/// authorization, so no card number is ever needed again.
///
/// Both are stored before they are sent and repeated until the bank answers, so a crash or a lost
/// connection never loses or doubles one: ``PostSaleOutcome/pending`` means "stored, will be
/// repeated; ask again with the same key".
public protocol PostSaleAcquirer: Sendable {
    /// Captures the whole amount of an approved authorization (once; asking again returns the
    /// outcome of the first capture).
    func capture(_ authorization: AuthorizationReference) async throws -> PostSaleOutcome

    /// Refunds `amount` of a captured authorization (capturing it first if it is not yet). `key`
    /// identifies the refund: asking again with the same key and amount never refunds twice.
    func refund(
        _ authorization: AuthorizationReference, key: String, amount: Int64
    ) async throws
        -> PostSaleOutcome

    /// The approved authorizations of the merchant (`acquirerMerchantID`, ISO 8583 field 42) with
    /// no capture stored, oldest first: what an end-of-day batch close may capture. The caller
    /// captures only those whose order it has decided approved (an authorization an instance left
    /// unfinished is the recovery's, not the batch's).
    func uncapturedSales(acquirerMerchantID: String) async throws -> [UncapturedSale]

    /// Reconciles one terminal with the bank for batch `batchID`: every capture and refund of the
    /// terminal the bank approved and no reconciliation has counted yet is counted in this one, per
    /// currency (`currencies` are asked about even when the acquirer counted nothing in them), and
    /// the bank's own totals come back. Asking again for the same batch repeats the same question
    /// and gets the same answer; one the bank has not answered is asked again.
    func reconcile(
        acquirerMerchantID: String, terminalID: String, batchID: String, currencies: Set<Currency>
    ) async throws -> [TerminalReconciliation]
}

/// An approved authorization not captured yet.
public struct UncapturedSale: Hashable, Sendable {
    public let authorization: AuthorizationReference
    public let orderID: String
    public let amount: Money

    public init(authorization: AuthorizationReference, orderID: String, amount: Money) {
        self.authorization = authorization
        self.orderID = orderID
        self.amount = amount
    }
}

/// One sale captured by a batch close.
public struct CapturedSale: Hashable, Sendable {
    public let orderID: String
    public let amount: Money
    public let outcome: PostSaleOutcome
    /// The authorization captured, to ask again while the outcome is pending.
    public let authorization: AuthorizationReference?

    public init(
        orderID: String, amount: Money, outcome: PostSaleOutcome, authorization: AuthorizationReference? = nil
    ) {
        self.orderID = orderID
        self.amount = amount
        self.outcome = outcome
        self.authorization = authorization
    }
}

/// What came of a capture or a refund.
public enum PostSaleOutcome: Hashable, Sendable {
    /// The bank applied it; refunds carry the bank's approval code.
    case approved(approvalCode: String?)
    /// The bank refused it, with its response code (field 39).
    case declined(responseCode: String)
    /// Stored and sent (or still to be sent); its answer is not in yet. It is repeated until the
    /// bank answers.
    case pending
    /// Not sent, and never will be as asked: the reason says why (not approved, reversed, more
    /// than is left to refund, the key used for another amount).
    case refused(PostSaleRefusal)
}

/// Why the acquirer would not send a capture or refund.
public enum PostSaleRefusal: Hashable, Sendable, CustomStringConvertible {
    /// The authorization is not approved (declined, reversed or being reversed).
    case notApproved(state: String)
    /// The refunds would add up to more than was captured; `remaining` is what is left.
    case exceedsCaptured(remaining: Int64)
    /// The key was used before for another amount.
    case keyReused
    /// The amount is not 1…999 999 999 999 minor units.
    case invalidAmount

    public var description: String {
        switch self {
        case .notApproved(let state): return "the authorization is \(state), not approved"
        case .exceedsCaptured(let remaining): return "more than is left to refund (\(remaining) minor units)"
        case .keyReused: return "the refund key was used before for another amount"
        case .invalidAmount: return "the amount must be 1 to 999999999999 minor units"
        }
    }
}
