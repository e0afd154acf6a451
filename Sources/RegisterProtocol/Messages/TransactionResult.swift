/// RESULT (registerd → register): how a sale or void ended.
public struct TransactionResult: MessageBody {
    public static let messageType = MessageType.result

    public var receipt: String
    public var orderID: String?
    public var status: ResultStatus
    /// Machine-readable reason (`hw/PROTOCOL.md` §6.6), see ``ResultReason``.
    public var reason: String
    public var message: String?
    public var currencyCode: String?
    public var total: Int64?
    public var approvalCode: String?
    /// The card's last four digits, never more.
    public var cardLast4: String?
    /// What the receipt prints of an approved sale's authorization (RRN, STAN, acquirer terminal,
    /// card brand, time); nil for other results and from a server that sends none.
    public var receiptData: ReceiptFields?

    public init(
        receipt: String, orderID: String? = nil, status: ResultStatus, reason: String, message: String? = nil,
        currencyCode: String? = nil, total: Int64? = nil, approvalCode: String? = nil,
        cardLast4: String? = nil, receiptData: ReceiptFields? = nil
    ) {
        self.receiptData = receiptData
        self.receipt = receipt
        self.orderID = orderID
        self.status = status
        self.reason = reason
        self.message = message
        self.currencyCode = currencyCode
        self.total = total
        self.approvalCode = approvalCode
        self.cardLast4 = cardLast4
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        orderID = try fields.optionalString(.orderID)
        status = try ResultStatus(fields: fields)
        reason = try fields.string(.reason)
        message = try fields.optionalString(.message)
        currencyCode = try fields.optionalString(.currency)
        total = try fields.optionalI64(.total)
        approvalCode = try fields.optionalString(.approvalCode)
        cardLast4 = try fields.optionalString(.cardLast4)
        try Self.checkLast4(cardLast4)
        receiptData = try ReceiptFields(fields: fields)
    }

    static func checkLast4(_ value: String?) throws(MessageDecodingError) {
        if let value, !value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            throw .invalidValue(field: Field.cardLast4.name, reason: "must be four digits")
        }
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.orderID, ifPresent: orderID)
        fields.u8(.status, status.rawValue)
        fields.string(.reason, reason)
        fields.string(.message, ifPresent: message)
        fields.string(.currency, ifPresent: currencyCode)
        if let total { fields.i64(.total, total) }
        fields.string(.approvalCode, ifPresent: approvalCode)
        fields.string(.cardLast4, ifPresent: cardLast4)
        receiptData?.encode(into: &fields)
    }
}

/// How a transaction ended (`hw/PROTOCOL.md` §6.5).
public enum ResultStatus: UInt8, CaseIterable, Sendable {
    case approved = 0
    case declined = 1
    case expired = 2
    case cancelled = 3
    case error = 4

    init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        let raw = try fields.u8(.status)
        guard let status = ResultStatus(rawValue: raw) else {
            throw .invalidValue(field: Field.status.name, reason: "unknown status \(raw)")
        }
        self = status
    }

    /// A word for the register's display.
    public var displayText: String {
        switch self {
        case .approved: "Approved"
        case .declined: "Declined"
        case .expired: "Expired"
        case .cancelled: "Cancelled"
        case .error: "Error"
        }
    }

    public var name: String {
        switch self {
        case .approved: "approved"
        case .declined: "declined"
        case .expired: "expired"
        case .cancelled: "cancelled"
        case .error: "error"
        }
    }
}

/// The REASON values registerd sends (`hw/PROTOCOL.md` §6.6).
public enum ResultReason: String, CaseIterable, Sendable {
    case approved
    case declined
    case insufficientFunds = "insufficient-funds"
    case expiredCard = "expired-card"
    case invalidCard = "invalid-card"
    case mismatch
    case expired
    case cancelled
    case voided
    /// A REFUND gave the money back.
    case refunded
    /// A REFUND would give back more than the sale was paid, with the refunds before it.
    case exceedsSale = "exceeds-sale"
    /// A REFUND of a sale whose money cannot be given back (its payment was reversed).
    case notRefundable = "not-refundable"
    case settlementNotConfigured = "settlement-not-configured"
    case settlementUnreachable = "settlement-unreachable"
    case relayRejected = "relay-rejected"
    case internalError = "internal-error"
}
