import RegisterProtocol

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#endif

/// One sale, void or refund as registerd keeps it: what was asked, and how it ended.
public struct TransactionRecord: Equatable, Sendable {
    /// Sale, void or refund.
    public enum Kind: Equatable, Sendable {
        case sale(Sale)
        case void(VoidRequest)
        case refund(Refund)
    }

    public let kind: Kind
    public let receipt: String
    public var orderID: String?
    public var result: TransactionResult?
    /// The totals period the transaction belongs to.
    public var period: Int
    /// The row of the transaction in the journal, once journaled.
    public var journalID: Int64?
    /// Whether the order reached the settlement server.
    public var registered: Bool
    /// When it was journaled (from the journal; nil for a record not read from one).
    public var createdAt: Date?

    public init(
        kind: Kind, receipt: String, orderID: String? = nil, result: TransactionResult? = nil, period: Int,
        journalID: Int64? = nil, registered: Bool = false
    ) {
        self.kind = kind
        self.receipt = receipt
        self.orderID = orderID
        self.result = result
        self.period = period
        self.journalID = journalID
        self.registered = registered
    }

    public var isCompleted: Bool { result != nil }

    /// The STATUS reply describing this transaction.
    public var statusReply: StatusReply {
        if let result { return StatusReply(completed: result) }
        return StatusReply(state: .inProgress, receipt: receipt, orderID: orderID)
    }
}
