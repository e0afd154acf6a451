/// STATUS (registerd → register): the state of the newest transaction, with its result when done.
public struct StatusReply: MessageBody {
    public static let messageType = MessageType.status

    public var state: TransactionState
    public var receipt: String?
    public var orderID: String?
    /// Present when ``state`` is ``TransactionState/completed``.
    public var status: ResultStatus?
    public var reason: String?
    public var currencyCode: String?
    public var total: Int64?
    public var approvalCode: String?
    public var cardLast4: String?
    /// The receipt fields of a completed approved sale, as its RESULT had them.
    public var receiptData: ReceiptFields?

    public init(
        state: TransactionState, receipt: String? = nil, orderID: String? = nil, status: ResultStatus? = nil,
        reason: String? = nil, currencyCode: String? = nil, total: Int64? = nil, approvalCode: String? = nil,
        cardLast4: String? = nil, receiptData: ReceiptFields? = nil
    ) {
        self.receiptData = receiptData
        self.state = state
        self.receipt = receipt
        self.orderID = orderID
        self.status = status
        self.reason = reason
        self.currencyCode = currencyCode
        self.total = total
        self.approvalCode = approvalCode
        self.cardLast4 = cardLast4
    }

    /// The STATUS of a completed transaction, from its result.
    public init(completed result: TransactionResult) {
        self.init(
            state: .completed, receipt: result.receipt, orderID: result.orderID, status: result.status,
            reason: result.reason, currencyCode: result.currencyCode, total: result.total,
            approvalCode: result.approvalCode, cardLast4: result.cardLast4, receiptData: result.receiptData)
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        let raw = try fields.u8(.transactionState)
        guard let state = TransactionState(rawValue: raw) else {
            throw .invalidValue(field: Field.transactionState.name, reason: "unknown state \(raw)")
        }
        self.state = state
        receipt = try fields.optionalString(.receipt)
        orderID = try fields.optionalString(.orderID)
        status = fields.contains(.status) ? try ResultStatus(fields: fields) : nil
        reason = try fields.optionalString(.reason)
        currencyCode = try fields.optionalString(.currency)
        total = try fields.optionalI64(.total)
        approvalCode = try fields.optionalString(.approvalCode)
        cardLast4 = try fields.optionalString(.cardLast4)
        try TransactionResult.checkLast4(cardLast4)
        receiptData = try ReceiptFields(fields: fields)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.u8(.transactionState, state.rawValue)
        fields.string(.receipt, ifPresent: receipt)
        fields.string(.orderID, ifPresent: orderID)
        if let status { fields.u8(.status, status.rawValue) }
        fields.string(.reason, ifPresent: reason)
        fields.string(.currency, ifPresent: currencyCode)
        if let total { fields.i64(.total, total) }
        fields.string(.approvalCode, ifPresent: approvalCode)
        fields.string(.cardLast4, ifPresent: cardLast4)
        receiptData?.encode(into: &fields)
    }
}

/// TRANSACTION STATE values (`hw/PROTOCOL.md` §6.1).
public enum TransactionState: UInt8, CaseIterable, Sendable {
    case none = 0
    case inProgress = 1
    case completed = 2
}
