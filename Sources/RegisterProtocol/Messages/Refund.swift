/// REFUND (register → registerd): give back part or all of an approved sale's money, named by
/// its ORDER ID, under a RECEIPT of the refund's own. Answered by PROGRESS… and RESULT (`approved`
/// with REASON `refunded`, or `declined` saying why), or BUSY, or ERROR.
public struct Refund: MessageBody {
    public static let messageType = MessageType.refund
    /// The register's receipt number of the refund itself.
    public var receipt: String
    /// The order id of the sale (from its RESULT or PAYMENT REQUEST).
    public var orderID: String
    /// The sale's currency.
    public var currencyCode: String
    /// What to give back, in minor units: 1 up to what is left of the sale.
    public var total: Int64

    public init(receipt: String, orderID: String, currencyCode: String, total: Int64) {
        self.receipt = receipt
        self.orderID = orderID
        self.currencyCode = currencyCode
        self.total = total
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        orderID = try fields.string(.orderID)
        currencyCode = try fields.string(.currency)
        total = try fields.i64(.total)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.orderID, orderID)
        fields.string(.currency, currencyCode)
        fields.i64(.total, total)
    }
}
