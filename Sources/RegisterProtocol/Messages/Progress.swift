/// PROGRESS (registerd → register): sent at least every `T_progress` while a transaction is open.
public struct Progress: MessageBody {
    public static let messageType = MessageType.progress

    public var receipt: String
    public var stage: ProgressStage
    public var message: String?
    public var secondsLeft: UInt32?

    public init(receipt: String, stage: ProgressStage, message: String? = nil, secondsLeft: UInt32? = nil) {
        self.receipt = receipt
        self.stage = stage
        self.message = message
        self.secondsLeft = secondsLeft
    }

    public init(fields: FieldReader<Field>) throws(MessageDecodingError) {
        receipt = try fields.string(.receipt)
        let raw = try fields.u8(.stage)
        guard let stage = ProgressStage(rawValue: raw) else {
            throw .invalidValue(field: Field.stage.name, reason: "unknown stage \(raw)")
        }
        self.stage = stage
        message = try fields.optionalString(.message)
        secondsLeft = try fields.optionalU32(.secondsLeft)
    }

    public func encode(into fields: inout FieldWriter<Field>) {
        fields.string(.receipt, receipt)
        fields.u8(.stage, stage.rawValue)
        fields.string(.message, ifPresent: message)
        if let secondsLeft { fields.u32(.secondsLeft, secondsLeft) }
    }
}

/// Where an open transaction stands (`hw/PROTOCOL.md` §6.4).
public enum ProgressStage: UInt8, CaseIterable, Sendable {
    case registering = 1
    case waitingForPhone = 2
    case authorizing = 3
    case cancelling = 4
    case reconnecting = 5
    case refunding = 6
    /// END OF DAY: the batch is being closed and reconciled with the bank.
    case closing = 7

    /// A sentence for the register's display.
    public var displayText: String {
        switch self {
        case .registering: "Registering the order"
        case .waitingForPhone: "Scan the code with your phone"
        case .authorizing: "Authorizing with the bank"
        case .cancelling: "Cancelling"
        case .reconnecting: "Settlement server unreachable, retrying"
        case .refunding: "Refunding"
        case .closing: "Closing the day"
        }
    }
}
