/// Every message of the register link, as one value (`hw/PROTOCOL.md` §5).
public enum RegisterMessage: Equatable, Sendable {
    case hello(Hello)
    case helloReply(HelloReply)
    case sale(Sale)
    case paymentRequest(PaymentRequest)
    case progress(Progress)
    case result(TransactionResult)
    case abort(Abort)
    case relay(Relay)
    case statusRequest(StatusRequest)
    case status(StatusReply)
    case void(VoidRequest)
    case refund(Refund)
    case totalsRequest(TotalsRequest)
    case totals(Totals)
    case endOfDay(EndOfDay)
    case endOfDayReport(EndOfDayReport)
    case error(ErrorReply)
    case busy(Busy)

    /// The message's body, whatever its type.
    public var body: any MessageBody {
        switch self {
        case .hello(let body): body
        case .helloReply(let body): body
        case .sale(let body): body
        case .paymentRequest(let body): body
        case .progress(let body): body
        case .result(let body): body
        case .abort(let body): body
        case .relay(let body): body
        case .statusRequest(let body): body
        case .status(let body): body
        case .void(let body): body
        case .refund(let body): body
        case .totalsRequest(let body): body
        case .totals(let body): body
        case .endOfDay(let body): body
        case .endOfDayReport(let body): body
        case .error(let body): body
        case .busy(let body): body
        }
    }

    /// The TYPE byte of the message.
    public var type: MessageType { Swift.type(of: body).messageType }

    /// The encoded payload.
    public var payload: [UInt8] { body.payload }

    /// Reads a message from a frame's type and payload.
    public init(type rawType: UInt8, payload: [UInt8]) throws(MessageDecodingError) {
        guard let type = MessageType(rawValue: rawType) else { throw .unknownMessageType(rawType) }
        let fields = try FieldReader<Field>(payload)
        switch type {
        case .ack, .nak: throw .notAMessage(type)
        case .hello: self = .hello(try Hello(fields: fields))
        case .helloReply: self = .helloReply(try HelloReply(fields: fields))
        case .sale: self = .sale(try Sale(fields: fields))
        case .paymentRequest: self = .paymentRequest(try PaymentRequest(fields: fields))
        case .progress: self = .progress(try Progress(fields: fields))
        case .result: self = .result(try TransactionResult(fields: fields))
        case .abort: self = .abort(try Abort(fields: fields))
        case .relay: self = .relay(try Relay(fields: fields))
        case .statusRequest: self = .statusRequest(try StatusRequest(fields: fields))
        case .status: self = .status(try StatusReply(fields: fields))
        case .void: self = .void(try VoidRequest(fields: fields))
        case .refund: self = .refund(try Refund(fields: fields))
        case .totalsRequest: self = .totalsRequest(try TotalsRequest(fields: fields))
        case .totals: self = .totals(try Totals(fields: fields))
        case .endOfDay: self = .endOfDay(try EndOfDay(fields: fields))
        case .endOfDayReport: self = .endOfDayReport(try EndOfDayReport(fields: fields))
        case .error: self = .error(try ErrorReply(fields: fields))
        case .busy: self = .busy(try Busy(fields: fields))
        }
    }

    /// Reads the message carried by a data frame.
    public init(frame: Frame) throws(MessageDecodingError) {
        try self.init(type: frame.type, payload: frame.payload)
    }
}
