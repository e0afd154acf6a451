/// ABORT (register → registerd): cancel the open sale with this receipt.
public struct Abort: MessageBody {
    public static let messageType = MessageType.abort
    public var receipt: String

    public init(receipt: String) { self.receipt = receipt }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
    }
}

/// RELAY (register → registerd): a result the register read from the customer's phone.
public struct Relay: MessageBody {
    public static let messageType = MessageType.relay
    public var receipt: String
    public var relayData: String

    public init(receipt: String, relayData: String) {
        self.receipt = receipt
        self.relayData = relayData
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        relayData = try fields.string(.relayData)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.relayData, relayData)
    }
}

/// STATUS REQUEST (register → registerd): what happened to the newest transaction, or to the one
/// with ``receipt``?
public struct StatusRequest: MessageBody {
    public static let messageType = MessageType.statusRequest
    /// The receipt of the transaction (sale or void) to report; `nil` for the newest one.
    public var receipt: String?

    public init(receipt: String? = nil) { self.receipt = receipt }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.optionalString(.receipt)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, ifPresent: receipt)
    }
}

/// VOID (register → registerd): give back the money of a completed sale.
public struct VoidRequest: MessageBody {
    public static let messageType = MessageType.void
    /// The register's receipt number of the void itself.
    public var receipt: String
    /// The order id of the sale to void.
    public var orderID: String

    public init(receipt: String, orderID: String) {
        self.receipt = receipt
        self.orderID = orderID
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        orderID = try fields.string(.orderID)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.orderID, orderID)
    }
}

/// TOTALS REQUEST (register → registerd): end-of-day totals, optionally closing the period.
public struct TotalsRequest: MessageBody {
    public static let messageType = MessageType.totalsRequest
    public var closePeriod: Bool

    public init(closePeriod: Bool) { self.closePeriod = closePeriod }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        let raw = try fields.optionalU8(.closePeriod) ?? 0
        guard raw <= 1 else { throw .invalidValue(field: Field.closePeriod.name, reason: "must be 0 or 1") }
        closePeriod = raw == 1
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.u8(.closePeriod, closePeriod ? 1 : 0)
    }
}
