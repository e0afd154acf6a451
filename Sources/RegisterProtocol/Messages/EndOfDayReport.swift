/// END OF DAY REPORT (registerd → register): the closed period's totals as each side counts
/// them, whether they agree, and every difference in words (`hw/PROTOCOL.md` §6.3, §6.9).
public struct EndOfDayReport: MessageBody {
    public static let messageType = MessageType.endOfDayReport

    /// Whether the three counts agree (BALANCE).
    public enum Balance: UInt8, Sendable, CaseIterable {
        /// registerd, settlementd and the bank count the same.
        case balanced = 0
        /// Some figure differs: see the DIFFERENCE fields.
        case outOfBalance = 1
        /// settlementd or the bank did not answer: what is missing is in a DIFFERENCE.
        case incomplete = 2

        /// The name in `hw/PROTOCOL.md` §6.1.
        public var name: String {
            switch self {
            case .balanced: "balanced"
            case .outOfBalance: "out-of-balance"
            case .incomplete: "incomplete"
            }
        }
    }

    /// Who counted a CURRENCY TOTALS group (SOURCE).
    public enum Source: UInt8, Sendable, CaseIterable {
        /// registerd's journal: the period's sales, voids and refunds.
        case registerd = 1
        /// settlementd's batch of this lane: sales approved, voids and refunds it decided.
        case settlementd = 2
        /// The bank: APPROVED is the captures it posted, REFUNDED the refunds; VOIDED and DECLINED
        /// are 0 (a void before capture leaves nothing at the bank, one after it is a refund).
        case bank = 3
    }

    /// One currency's totals as one side counts them.
    public struct SourceTotals: Equatable, Hashable, Sendable {
        public var source: Source
        public var totals: CurrencyTotals

        public init(source: Source, totals: CurrencyTotals) {
            self.source = source
            self.totals = totals
        }
    }

    /// The batch closed: `<terminal id>-<period number>`.
    public var batchID: String
    public var balance: Balance
    /// Whether registerd closed its period (a new one has begun). 0 when settlementd could not be
    /// reached: nothing was closed, send END OF DAY again.
    public var periodClosed: Bool
    public var totals: [SourceTotals]
    public var differences: [String]

    public init(
        batchID: String, balance: Balance, periodClosed: Bool, totals: [SourceTotals], differences: [String]
    ) {
        self.batchID = batchID
        self.balance = balance
        self.periodClosed = periodClosed
        self.totals = totals
        self.differences = differences
    }

    /// The report in lines for a log or a display: the balance, each count, each difference.
    public var lines: [String] {
        ["END OF DAY REPORT batch \(batchID): \(balance.name)"]
            + totals.map { entry in
                let t = entry.totals
                return
                    "    \(entry.source): \(t.currencyCode) approved \(t.approvedCount)/\(t.approvedAmount), voided \(t.voidedCount)/\(t.voidedAmount), refunded \(t.refundedCount)/\(t.refundedAmount)"
            } + differences.map { "    difference: \($0)" }
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        batchID = try fields.string(.batchID)
        guard let balance = Balance(rawValue: try fields.u8(.balance)) else {
            throw .invalidValue(field: "BALANCE", reason: "must be 0, 1 or 2")
        }
        self.balance = balance
        periodClosed = try fields.u8(.periodClosed) == 1
        var totals: [SourceTotals] = []
        for group in try fields.groups(.currencyTotals, as: CurrencyTotalsField.self) {
            guard let source = Source(rawValue: try group.u8(.source)) else {
                throw .invalidValue(field: "SOURCE", reason: "must be 1, 2 or 3")
            }
            totals.append(SourceTotals(source: source, totals: try CurrencyTotals(fields: group)))
        }
        self.totals = totals
        differences = fields.strings(.difference)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.batchID, batchID)
        fields.u8(.balance, balance.rawValue)
        fields.u8(.periodClosed, periodClosed ? 1 : 0)
        for entry in totals {
            var group = entry.totals.fields
            group.u8(.source, entry.source.rawValue)
            fields.group(.currencyTotals, group)
        }
        for difference in differences { fields.string(.difference, difference) }
    }
}
