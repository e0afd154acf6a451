/// Where a reconciliation reads: every lane's registerd journal, the settlement store and the
/// acquirer's state (SQLite files, or one PostgreSQL database), and the bank's ledger.
public struct ReconciliationSources: Sendable {
    /// One lane's journal: the lane id (registerd's terminal id) and the journal file.
    public struct Journal: Sendable, Equatable {
        public var lane: String
        public var path: String

        public init(lane: String, path: String) {
            self.lane = lane
            self.path = path
        }
    }

    public var journals: [Journal]
    /// settlementd's `--db` file, or its `--database` URL (`postgres://…`).
    public var settlement: String
    /// settlementd's `--acquirer-state` file; nil when the acquirer shares the PostgreSQL database.
    public var acquirer: String?
    /// `banksim ledger export --format json` output, or banksim's `--state` file.
    public var bank: String
    /// Only this merchant's orders (nil: every merchant's).
    public var merchantID: String?

    public init(
        journals: [Journal], settlement: String, acquirer: String?, bank: String, merchantID: String? = nil
    ) {
        self.journals = journals
        self.settlement = settlement
        self.acquirer = acquirer
        self.bank = bank
        self.merchantID = merchantID
    }
}

/// Why a reconciliation could not read its sources.
public enum ReconciliationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file or database could not be read as what it should be.
    case unreadable(String, String)
    /// A PostgreSQL settlement database needs no `--acquirer-state`; a SQLite one does.
    case acquirerStateRequired

    public var description: String {
        switch self {
        case .unreadable(let location, let why): return "\(location) cannot be read: \(why)"
        case .acquirerStateRequired:
            return
                "a SQLite settlement store needs the acquirer's state file too (settlementd's --acquirer-state)"
        }
    }
}
