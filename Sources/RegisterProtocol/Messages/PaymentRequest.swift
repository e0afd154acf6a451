/// PAYMENT REQUEST (registerd → register): what the register shows the customer's phone.
public struct PaymentRequest: MessageBody {
    public static let messageType = MessageType.paymentRequest

    public var receipt: String
    public var orderID: String
    public var currencyCode: String
    public var total: Int64
    /// The text to show as a QR code or push over NFC; opaque to the register.
    public var phonePayload: String
    public var expiresIn: UInt32

    public init(
        receipt: String, orderID: String, currencyCode: String, total: Int64, phonePayload: String,
        expiresIn: UInt32
    ) {
        self.receipt = receipt
        self.orderID = orderID
        self.currencyCode = currencyCode
        self.total = total
        self.phonePayload = phonePayload
        self.expiresIn = expiresIn
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        orderID = try fields.string(.orderID)
        currencyCode = try fields.string(.currency)
        total = try fields.i64(.total)
        phonePayload = try fields.string(.phonePayload)
        expiresIn = try fields.u32(.expiresIn)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.orderID, orderID)
        fields.string(.currency, currencyCode)
        fields.i64(.total, total)
        fields.string(.phonePayload, phonePayload)
        fields.u32(.expiresIn, expiresIn)
    }
}
