import BankHost
import Foundation
import PairPayCore
import RegisterProtocol

/// What the durable records of a store say, read side by side for a three-way reconciliation:
/// every lane's registerd journal, the settlement store's orders and refunds, the acquirer's
/// authorizations and the bank's ledger. No card numbers: the records keep last four digits or
/// masked numbers only.
public struct LedgerSnapshot: Sendable {
    /// A sale, void or refund in a lane's journal.
    public struct JournalTransaction: Sendable, Equatable {
        /// What the register asked for.
        public enum Kind: String, Sendable { case sale, void, refund }

        public var lane: String
        public var kind: Kind
        public var receipt: String
        /// The sale's order id (for a void or refund: the sale's).
        public var orderID: String?
        /// The result's status; nil while the transaction is open.
        public var status: ResultStatus?
        public var reason: String?
        /// The sale's total, the void's sale total, or the refund's amount.
        public var total: Int64?
        public var currency: String?
        public var createdAt: Date?
    }

    /// An order in the settlement store.
    public struct Order: Sendable, Equatable {
        public var merchantID: String
        public var orderID: String
        public var laneID: String?
        /// Whether the order is decided (`final`).
        public var isFinal: Bool
        public var status: SettlementStatus?
        public var total: Money?
        public var createdAt: Date
    }

    /// A refund in the settlement store.
    public struct Refund: Sendable, Equatable {
        public var refundID: String
        public var orderID: String
        public var amount: Money
        public var isFinal: Bool
        public var approved: Bool
    }

    /// An authorization the acquirer sent (or was about to send).
    public struct Authorization: Sendable, Equatable {
        public var orderID: String
        public var terminal: String
        public var stan: String
        public var transmission: String
        public var amount: Int64
        public var state: String
    }

    public var journal: [JournalTransaction]
    public var orders: [Order]
    public var refunds: [Refund]
    public var authorizations: [Authorization]
    /// The bank's ledger (`banksim ledger export --format json`, or read from its state file).
    public var bank: [LedgerEntry]

    public init(
        journal: [JournalTransaction], orders: [Order], refunds: [Refund], authorizations: [Authorization],
        bank: [LedgerEntry]
    ) {
        self.journal = journal
        self.orders = orders
        self.refunds = refunds
        self.authorizations = authorizations
        self.bank = bank
    }
}
