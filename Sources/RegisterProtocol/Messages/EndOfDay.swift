/// END OF DAY (register → registerd): close the period and the lane's batch, and report the
/// period as registerd, settlementd and the bank count it. Answered by PROGRESS (stage
/// `closing`) and END OF DAY REPORT, or BUSY while a transaction is open, or ERROR.
///
/// With ``batchID`` of an earlier close (`<terminal id>-<period>`), nothing is closed: that
/// batch is asked about again (for a report that was incomplete).
public struct EndOfDay: MessageBody {
    public static let messageType = MessageType.endOfDay
    /// The RECEIPT registerd puts in END OF DAY's PROGRESS, and in BUSY while it closes the day.
    public static let receipt = "END-OF-DAY"
    /// An earlier close to ask about again; nil to close the current period.
    public var batchID: String?

    public init(batchID: String? = nil) { self.batchID = batchID }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        batchID = try fields.optionalString(.batchID)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.batchID, ifPresent: batchID)
    }
}
