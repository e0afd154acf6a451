/// SALE (register → registerd): a basket to be paid from the customer's phone.
///
/// Decoding checks the form of each field; ``validated()`` checks the arithmetic and currency.
public struct Sale: MessageBody {
    public static let messageType = MessageType.sale
    /// The most line items one sale may carry.
    public static let maximumLineItems = 99

    public var receipt: String
    public var currencyCode: String
    public var total: Int64
    public var lineItems: [SaleLineItem]

    public init(receipt: String, currencyCode: String, total: Int64, lineItems: [SaleLineItem]) {
        self.receipt = receipt
        self.currencyCode = currencyCode
        self.total = total
        self.lineItems = lineItems
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        currencyCode = try fields.string(.currency)
        total = try fields.i64(.total)
        let groups = try fields.groups(.lineItem, as: LineItemField.self)
        guard !groups.isEmpty else { throw .missingField(Field.lineItem.name) }
        guard groups.count <= Sale.maximumLineItems else {
            throw .tooManyItems(field: Field.lineItem.name, maximum: Sale.maximumLineItems)
        }
        var items: [SaleLineItem] = []
        for group in groups { items.append(try SaleLineItem(fields: group)) }
        lineItems = items
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.currency, currencyCode)
        fields.i64(.total, total)
        for item in lineItems { fields.group(.lineItem, item.fields) }
    }
}

/// One LINE ITEM of a sale: article code, name, unit price, quantity and the line's tax.
public struct SaleLineItem: Equatable, Hashable, Sendable {
    public var code: String
    public var name: String
    public var unitPrice: Int64
    public var quantity: UInt32
    public var tax: Int64

    public init(code: String, name: String, unitPrice: Int64, quantity: UInt32, tax: Int64) {
        self.code = code
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.tax = tax
    }

    init(fields: FieldReader<LineItemField>) throws(MessageDecodingError) {
        code = try fields.string(.code)
        name = try fields.string(.name)
        unitPrice = try fields.i64(.unitPrice)
        quantity = try fields.u32(.quantity)
        tax = try fields.i64(.tax)
    }

    var fields: FieldWriter<LineItemField> {
        var writer = FieldWriter<LineItemField>()
        writer.string(.code, code)
        writer.string(.name, name)
        writer.i64(.unitPrice, unitPrice)
        writer.u32(.quantity, quantity)
        writer.i64(.tax, tax)
        return writer
    }
}
