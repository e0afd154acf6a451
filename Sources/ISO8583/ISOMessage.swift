/// One ISO 8583 message: its MTI and the values of the fields present.
///
/// Values are kept as the ASCII text that goes on the wire (numeric fields already zero-padded);
/// bitmaps are computed when encoding. Printing a message never shows the full card number,
/// the expiry date or the card security code (see ``description``).
public struct ISOMessage: Sendable, Equatable {
    /// One field present and its value.
    struct Entry: Sendable, Equatable {
        let field: ISOField
        var value: String
    }

    /// The message type indicator.
    public var mti: MessageTypeIndicator
    /// The fields present, in ascending field order: the order they are encoded and decoded in, so
    /// building or reading a message appends, and no field is ever hashed.
    private var entries: [Entry]

    /// Creates a message with the given fields.
    public init(mti: MessageTypeIndicator, fields: [ISOField: String] = [:]) {
        self.mti = mti
        entries = fields.sorted { $0.key < $1.key }.map { Entry(field: $0.key, value: $0.value) }
    }

    /// A message of entries already in ascending field order, each field once (the decoder's).
    init(mti: MessageTypeIndicator, ascendingEntries: [Entry]) {
        self.mti = mti
        entries = ascendingEntries
    }

    /// The fields present, by field.
    public var fields: [ISOField: String] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.field, $0.value) })
    }

    /// The value of a field, or `nil` when absent. Setting `nil` removes the field.
    public subscript(field: ISOField) -> String? {
        get {
            let index = insertionIndex(of: field)
            return index < entries.count && entries[index].field == field ? entries[index].value : nil
        }
        set {
            let index = insertionIndex(of: field)
            let present = index < entries.count && entries[index].field == field
            switch (present, newValue) {
            case (true, let value?): entries[index].value = value
            case (true, nil): entries.remove(at: index)
            case (false, let value?): entries.insert(Entry(field: field, value: value), at: index)
            case (false, nil): break
            }
        }
    }

    /// The fields present, in ascending field order.
    public var presentFields: [ISOField] { entries.map(\.field) }

    /// The fields present with their values, in ascending field order.
    var presentEntries: [Entry] { entries }

    /// Where `field` is or would go: the first entry not below it (fields set in ascending order,
    /// as the codec and the acquirer do, land at the end after one comparison).
    private func insertionIndex(of field: ISOField) -> Int {
        if let last = entries.last, last.field < field { return entries.count }
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].field < field { low = middle + 1 } else { high = middle }
        }
        return low
    }

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
