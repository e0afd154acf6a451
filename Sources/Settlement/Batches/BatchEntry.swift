import PairPayCore

/// One line of a merchant's batch ledger: an approved sale, the void of one, or an approved
/// refund, in the lane it was sold at. The store writes it in the same transaction as the order or
/// refund that made it, so the batch close counts exactly what was decided; a batch close takes
/// every entry of its lane not yet in a batch.
public struct BatchEntry: Hashable, Sendable {
    /// What the entry counts.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A sale decided approved.
        case sale
        /// An approved sale cancelled by the store (reversed before capture, refunded in full after).
        case void
        /// A refund the bank approved (not a void's full refund, which counts as the void).
        case refund
    }

    public let kind: Kind
    public let merchantID: String
    /// The lane of the order (`""` when its store request named none).
    public let laneID: String
    /// The order id (sale, void) or refund id (refund).
    public let reference: String
    public let orderID: String
    public let amount: Money

    public init(
        kind: Kind, merchantID: String, laneID: String, reference: String, orderID: String, amount: Money
    ) {
        self.kind = kind
        self.merchantID = merchantID
        self.laneID = laneID
        self.reference = reference
        self.orderID = orderID
        self.amount = amount
    }

    /// The entry an order's saved state makes, if any: a sale once approved, a void once a sale
    /// is cancelled (the store writes a void only beside its sale's entry: an order cancelled
    /// before it was ever approved makes none).
    public static func entry(for order: OrderRecord) -> BatchEntry? {
        guard order.state == .final, let result = order.result?.result, let contents = order.contents else {
            return nil
        }
        let kind: Kind
        switch result.status {
        case .approved: kind = .sale
        case .cancelled: kind = .void
        case .declined, .expired: return nil
        }
        return BatchEntry(
            kind: kind, merchantID: order.merchantID, laneID: order.laneID ?? "", reference: order.orderID,
            orderID: order.orderID, amount: contents.total)
    }

    /// The entry a finished refund makes: one the bank approved, unless it is a void's full refund
    /// (`cancel:` id). Its lane is the sale's (the store reads it from the sale's entry).
    public static func entry(for refund: RefundRecord) -> BatchEntry? {
        guard refund.state == .final, refund.result?.refund.status == .approved,
            !refund.refundID.hasPrefix(RefundRequest.cancelPrefix)
        else { return nil }
        return BatchEntry(
            kind: .refund, merchantID: refund.merchantID, laneID: "", reference: refund.refundID,
            orderID: refund.orderID, amount: refund.amount)
    }
}
