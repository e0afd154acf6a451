/// TOTALS (registerd → register): the period's totals, one group per currency.
public struct Totals: MessageBody {
    public static let messageType = MessageType.totals
    public var currencies: [CurrencyTotals]

    public init(currencies: [CurrencyTotals]) { self.currencies = currencies }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        var currencies: [CurrencyTotals] = []
        for group in try fields.groups(.currencyTotals, as: CurrencyTotalsField.self) {
            currencies.append(try CurrencyTotals(fields: group))
        }
        self.currencies = currencies
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        for totals in currencies { fields.group(.currencyTotals, totals.fields) }
    }
}

/// The totals of one currency in a period.
public struct CurrencyTotals: Equatable, Hashable, Sendable {
    public var currencyCode: String
    public var approvedCount: UInt32
    public var approvedAmount: Int64
    public var voidedCount: UInt32
    public var voidedAmount: Int64
    /// Declined, expired, cancelled and failed sales together.
    public var declinedCount: UInt32
    /// Refunds that gave money back (RESULT `approved`, REASON `refunded`), and how much.
    public var refundedCount: UInt32
    public var refundedAmount: Int64

    public init(
        currencyCode: String, approvedCount: UInt32 = 0, approvedAmount: Int64 = 0, voidedCount: UInt32 = 0,
        voidedAmount: Int64 = 0, declinedCount: UInt32 = 0, refundedCount: UInt32 = 0,
        refundedAmount: Int64 = 0
    ) {
        self.refundedCount = refundedCount
        self.refundedAmount = refundedAmount
        self.currencyCode = currencyCode
        self.approvedCount = approvedCount
        self.approvedAmount = approvedAmount
        self.voidedCount = voidedCount
        self.voidedAmount = voidedAmount
        self.declinedCount = declinedCount
    }

    /// Adds `other`'s counts and amounts (of the same currency) to these.
    public mutating func add(_ other: CurrencyTotals) {
        approvedCount += other.approvedCount
        approvedAmount += other.approvedAmount
        voidedCount += other.voidedCount
        voidedAmount += other.voidedAmount
        declinedCount += other.declinedCount
        refundedCount += other.refundedCount
        refundedAmount += other.refundedAmount
    }

    init(fields: FieldReader<CurrencyTotalsField>) throws(MessageDecodingError) {
        currencyCode = try fields.string(.currency)
        approvedCount = try fields.u32(.approvedCount)
        approvedAmount = try fields.i64(.approvedAmount)
        voidedCount = try fields.u32(.voidedCount)
        voidedAmount = try fields.i64(.voidedAmount)
        declinedCount = try fields.u32(.declinedCount)
        // Absent in TOTALS of registerd before refunds: none.
        refundedCount = try fields.optionalU32(.refundedCount) ?? 0
        refundedAmount = try fields.optionalI64(.refundedAmount) ?? 0
    }

    var fields: FieldWriter<CurrencyTotalsField> {
        var writer = FieldWriter<CurrencyTotalsField>()
        writer.string(.currency, currencyCode)
        writer.u32(.approvedCount, approvedCount)
        writer.i64(.approvedAmount, approvedAmount)
        writer.u32(.voidedCount, voidedCount)
        writer.i64(.voidedAmount, voidedAmount)
        writer.u32(.declinedCount, declinedCount)
        writer.u32(.refundedCount, refundedCount)
        writer.i64(.refundedAmount, refundedAmount)
        return writer
    }
}
