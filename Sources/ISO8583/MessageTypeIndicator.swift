/// The four-digit message type indicator (MTI) at the start of every ISO 8583 message, e.g. `0100`.
///
/// Digit 1 is the version (0 = 1987), digit 2 the class (1 authorization, 2 financial,
/// 4 reversal, 8 network management), digit 3 the function (0 request, 1 response, 2 advice,
/// 3 advice response) and digit 4 the origin (0 acquirer, 1 acquirer repeat).
public struct MessageTypeIndicator: Hashable, Sendable, CustomStringConvertible {
    /// The four ASCII digits.
    public let rawValue: String

    /// Wraps four ASCII digits.
    /// - Throws: ``ISO8583Error/invalidMTI(_:)`` when `rawValue` is not exactly four digits.
    public init(_ rawValue: String) throws(ISO8583Error) {
        guard rawValue.utf8.count == 4, rawValue.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidMTI(rawValue)
        }
        self.rawValue = rawValue
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    private var digits: [UInt8] { rawValue.utf8.map { $0 - 0x30 } }

    /// The message class digit: 1 authorization, 2 financial, 4 reversal, 8 network management.
    public var messageClass: UInt8 { digits[1] }
    /// The function digit: 0 request, 1 request response, 2 advice, 3 advice response.
    public var function: UInt8 { digits[2] }

    /// Whether this is a response (`xx10`, `xx30`) rather than a request or advice.
    public var isResponse: Bool { function == 1 || function == 3 }

    /// Whether this is a repeat (`xxx1`) sent because an earlier copy may have been lost.
    public var isRepeat: Bool { digits[3] == 1 }

    /// The same message as a first transmission: `0401` becomes `0400`.
    public var original: MessageTypeIndicator {
        var d = digits
        d[3] = 0
        return MessageTypeIndicator(unchecked: String(decoding: d.map { $0 + 0x30 }, as: UTF8.self))
    }

    /// The same message as a repeat: `0400` becomes `0401`.
    public var repeated: MessageTypeIndicator {
        var d = digits
        d[3] = 1
        return MessageTypeIndicator(unchecked: String(decoding: d.map { $0 + 0x30 }, as: UTF8.self))
    }

    /// The response class for a request or advice: `0100`/`0101` → `0110`, `0420`/`0421` → `0430`.
    /// A response returns itself.
    public var response: MessageTypeIndicator {
        guard !isResponse else { return self }
        var d = digits
        d[2] += 1
        d[3] = 0
        return MessageTypeIndicator(unchecked: String(decoding: d.map { $0 + 0x30 }, as: UTF8.self))
    }

    public static let authorizationRequest = MessageTypeIndicator(unchecked: "0100")
    public static let authorizationRequestRepeat = MessageTypeIndicator(unchecked: "0101")
    public static let authorizationResponse = MessageTypeIndicator(unchecked: "0110")
    public static let financialRequest = MessageTypeIndicator(unchecked: "0200")
    public static let financialRequestRepeat = MessageTypeIndicator(unchecked: "0201")
    public static let financialResponse = MessageTypeIndicator(unchecked: "0210")
    /// Financial advice: PairPay's capture (completion) of an approved authorization.
    public static let financialAdvice = MessageTypeIndicator(unchecked: "0220")
    public static let financialAdviceRepeat = MessageTypeIndicator(unchecked: "0221")
    public static let financialAdviceResponse = MessageTypeIndicator(unchecked: "0230")
    public static let reversalRequest = MessageTypeIndicator(unchecked: "0400")
    public static let reversalRequestRepeat = MessageTypeIndicator(unchecked: "0401")
    public static let reversalResponse = MessageTypeIndicator(unchecked: "0410")
    public static let reversalAdvice = MessageTypeIndicator(unchecked: "0420")
    public static let reversalAdviceRepeat = MessageTypeIndicator(unchecked: "0421")
    public static let reversalAdviceResponse = MessageTypeIndicator(unchecked: "0430")
    /// Acquirer reconciliation request: the acquirer's totals of one terminal and currency.
    public static let reconciliationRequest = MessageTypeIndicator(unchecked: "0500")
    public static let reconciliationRequestRepeat = MessageTypeIndicator(unchecked: "0501")
    public static let reconciliationResponse = MessageTypeIndicator(unchecked: "0510")
    public static let networkManagementRequest = MessageTypeIndicator(unchecked: "0800")
    public static let networkManagementResponse = MessageTypeIndicator(unchecked: "0810")
}
