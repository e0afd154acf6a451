/// ERROR (registerd → register): a message was malformed or refused (`hw/PROTOCOL.md` §6.7).
public struct ErrorReply: MessageBody {
    public static let messageType = MessageType.error

    public var code: ErrorCode
    /// The TYPE of the message refused.
    public var inReplyTo: UInt8?
    public var message: String?
    public var receipt: String?

    public init(code: ErrorCode, inReplyTo: UInt8? = nil, message: String? = nil, receipt: String? = nil) {
        self.code = code
        self.inReplyTo = inReplyTo
        self.message = message
        self.receipt = receipt
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        let raw = try fields.u16(.errorCode)
        guard let code = ErrorCode(rawValue: raw) else {
            throw .invalidValue(field: Field.errorCode.name, reason: "unknown error code \(raw)")
        }
        self.code = code
        inReplyTo = try fields.optionalU8(.inReplyTo)
        message = try fields.optionalString(.message)
        receipt = try fields.optionalString(.receipt)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.u16(.errorCode, code.rawValue)
        if let inReplyTo { fields.u8(.inReplyTo, inReplyTo) }
        fields.string(.message, ifPresent: message)
        fields.string(.receipt, ifPresent: receipt)
    }
}

/// ERROR CODE values (`hw/PROTOCOL.md` §6.7).
public enum ErrorCode: UInt16, CaseIterable, Sendable {
    case invalidMessage = 1
    case unknownMessage = 2
    case unsupportedVersion = 3
    case invalidSale = 4
    case noTransaction = 5
    case abortTooLate = 6
    case relayRejected = 7
    case duplicateReceipt = 8
    case abortFailed = 9
    case alreadyEnded = 10
    case invalidRefund = 11

    public var name: String {
        switch self {
        case .invalidMessage: "invalid-message"
        case .unknownMessage: "unknown-message"
        case .unsupportedVersion: "unsupported-version"
        case .invalidSale: "invalid-sale"
        case .noTransaction: "no-transaction"
        case .abortTooLate: "abort-too-late"
        case .relayRejected: "relay-rejected"
        case .duplicateReceipt: "duplicate-receipt"
        case .abortFailed: "abort-failed"
        case .alreadyEnded: "already-ended"
        case .invalidRefund: "invalid-refund"
        }
    }
}

/// BUSY (registerd → register): another transaction is open; its receipt is named.
public struct Busy: MessageBody {
    public static let messageType = MessageType.busy
    public var receipt: String
    public var message: String?

    public init(receipt: String, message: String? = nil) {
        self.receipt = receipt
        self.message = message
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        message = try fields.optionalString(.message)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.string(.message, ifPresent: message)
    }
}
