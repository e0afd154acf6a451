import PairPayCore

/// Which reconciliation: one batch's count of one terminal of one merchant in one currency.
public struct ReconciliationKey: Hashable, Sendable {
    public let batchID: String
    /// ISO 8583 field 41 as sent (padded to 8).
    public let terminal: String
    /// ISO 8583 field 42 as sent (padded to 15).
    public let merchant: String
    /// ISO 4217 numeric, as field 49.
    public let currency: String

    public init(batchID: String, terminal: String, merchant: String, currency: String) {
        self.batchID = batchID
        self.terminal = terminal
        self.merchant = merchant
        self.currency = currency
    }
}

/// One acquirer reconciliation (0500) as stored: a batch's captures and refunds of one terminal in
/// one currency, sent with a STAN and field 7 of its own (a repeat keeps both), and the bank's
/// answer once it came.
public struct ReconciliationRecord: Hashable, Sendable {
    public let batchID: String
    /// ISO 8583 field 41 as sent (padded to 8).
    public let terminal: String
    /// ISO 8583 field 42 as sent (padded to 15).
    public let merchant: String
    /// ISO 4217 numeric, as field 49.
    public let currency: String
    public let stan: String
    public let transmission: String
    /// Its identity.
    public var key: ReconciliationKey {
        ReconciliationKey(batchID: batchID, terminal: terminal, merchant: merchant, currency: currency)
    }
    /// What the acquirer counted: approved captures and refunds not counted before.
    public let acquirer: HostTotals
    /// How many times it was sent.
    public let attempts: Int
    /// The bank's totals (fields 74, 76, 86, 88 of the 0510), once answered.
    public let bank: HostTotals?
    /// Field 39 of the answer: `00` balanced, `95` out of balance.
    public let responseCode: String?

    public init(
        batchID: String, terminal: String, merchant: String, currency: String, stan: String,
        transmission: String,
        acquirer: HostTotals, attempts: Int, bank: HostTotals?, responseCode: String?
    ) {
        self.batchID = batchID
        self.terminal = terminal
        self.merchant = merchant
        self.currency = currency
        self.stan = stan
        self.transmission = transmission
        self.acquirer = acquirer
        self.attempts = attempts
        self.bank = bank
        self.responseCode = responseCode
    }
}
