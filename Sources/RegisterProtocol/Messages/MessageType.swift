/// The TYPE byte of a frame (`hw/PROTOCOL.md` §5).
public enum MessageType: UInt8, CaseIterable, Sendable {
    case ack = 0x06
    case nak = 0x15
    case hello = 0x10
    case helloReply = 0x11
    case sale = 0x20
    case paymentRequest = 0x21
    case progress = 0x22
    case result = 0x23
    case abort = 0x24
    case relay = 0x25
    case statusRequest = 0x30
    case status = 0x31
    case void = 0x40
    case refund = 0x41
    case totalsRequest = 0x50
    case totals = 0x51
    case endOfDay = 0x52
    case endOfDayReport = 0x53
    case error = 0x7E
    case busy = 0x7F

    /// Whether the register sends this type to registerd (`hw/PROTOCOL.md` §5).
    public var isSentByRegister: Bool {
        switch self {
        case .hello, .sale, .abort, .relay, .statusRequest, .void, .refund, .totalsRequest, .endOfDay: true
        case .ack, .nak, .helloReply, .paymentRequest, .progress, .result, .status, .totals, .endOfDayReport,
            .error, .busy:
            false
        }
    }

    /// The name used in the protocol document and in logs.
    public var name: String {
        switch self {
        case .ack: "ACK"
        case .nak: "NAK"
        case .hello: "HELLO"
        case .helloReply: "HELLO REPLY"
        case .sale: "SALE"
        case .paymentRequest: "PAYMENT REQUEST"
        case .progress: "PROGRESS"
        case .result: "RESULT"
        case .abort: "ABORT"
        case .relay: "RELAY"
        case .statusRequest: "STATUS REQUEST"
        case .status: "STATUS"
        case .void: "VOID"
        case .refund: "REFUND"
        case .totalsRequest: "TOTALS REQUEST"
        case .totals: "TOTALS"
        case .endOfDay: "END OF DAY"
        case .endOfDayReport: "END OF DAY REPORT"
        case .error: "ERROR"
        case .busy: "BUSY"
        }
    }
}
