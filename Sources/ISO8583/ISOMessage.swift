/// One ISO 8583 message: its MTI and the values of the fields present.
///
/// Values are kept as the ASCII text that goes on the wire (numeric fields already zero-padded);
/// bitmaps are computed when encoding. Printing a message never shows the full card number,
/// the expiry date or the card security code (see ``description``).
public struct ISOMessage: Sendable, Equatable {
    /// The message type indicator.
    public var mti: MessageTypeIndicator
    /// The fields present, by field.
    public private(set) var fields: [ISOField: String]

    /// Creates a message with the given fields.
    public init(mti: MessageTypeIndicator, fields: [ISOField: String] = [:]) {
        self.mti = mti
        self.fields = fields
    }

    /// The value of a field, or `nil` when absent. Setting `nil` removes the field.
    public subscript(field: ISOField) -> String? {
        get { fields[field] }
        set { fields[field] = newValue }
    }

    /// The fields present, in ascending field order.
    public var presentFields: [ISOField] { fields.keys.sorted() }

    /// A response to this message: the response MTI, with `echoed` fields copied over.
    public func response(
        echoing echoed: [ISOField] = [
            .processingCode, .amount, .transmissionDateTime, .systemTraceAuditNumber,
            .retrievalReferenceNumber, .terminalID, .merchantID, .currencyCode, .networkManagementCode,
            .originalDataElements,
        ]
    ) -> ISOMessage {
        var reply = ISOMessage(mti: mti.response)
        for field in echoed { reply[field] = self[field] }
        return reply
    }
}
