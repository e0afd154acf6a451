import RegisterProtocol

/// One sale or void as registerd keeps it: what was asked, and how it ended.
public struct TransactionRecord: Equatable, Sendable {
    /// Sale or void.
    public enum Kind: Equatable, Sendable {
        case sale(Sale)
        case void(VoidRequest)
    }

    public let kind: Kind
    public let receipt: String
    public var orderID: String?
    public var result: TransactionResult?
    /// The totals period the transaction belongs to.
    public var period: Int

    public init(
        kind: Kind, receipt: String, orderID: String? = nil, result: TransactionResult? = nil, period: Int
    ) {
        self.kind = kind
        self.receipt = receipt
        self.orderID = orderID
        self.result = result
        self.period = period
    }

    public var isCompleted: Bool { result != nil }

    /// The STATUS reply describing this transaction.
    public var statusReply: StatusReply {
        if let result { return StatusReply(completed: result) }
        return StatusReply(state: .inProgress, receipt: receipt, orderID: orderID)
    }
}
