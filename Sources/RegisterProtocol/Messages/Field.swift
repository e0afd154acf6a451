/// The tags of a message's top-level fields (`hw/PROTOCOL.md` §6.1).
public enum Field: UInt8, FieldTag, CaseIterable {
    case protocolVersion = 0x01
    case deviceID = 0x02
    case software = 0x03
    case maximumPayload = 0x04
    case inReplyTo = 0x05
    case receipt = 0x10
    case orderID = 0x11
    case currency = 0x12
    case total = 0x13
    case lineItem = 0x14
    case phonePayload = 0x20
    case expiresIn = 0x21
    case stage = 0x30
    case message = 0x31
    case secondsLeft = 0x32
    case status = 0x40
    case reason = 0x41
    case cardLast4 = 0x42
    case approvalCode = 0x43
    case rrn = 0x44
    case stan = 0x45
    case acquirerTerminal = 0x46
    case cardBrand = 0x47
    case transactionTime = 0x48
    case relayData = 0x50
    case closePeriod = 0x51
    case batchID = 0x52
    case balance = 0x53
    case periodClosed = 0x54
    case difference = 0x55
    case transactionState = 0x60
    case currencyTotals = 0x70
    case errorCode = 0x7F

    public var name: String {
        switch self {
        case .protocolVersion: "PROTOCOL VERSION"
        case .deviceID: "DEVICE ID"
        case .software: "SOFTWARE"
        case .maximumPayload: "MAX PAYLOAD"
        case .inReplyTo: "IN REPLY TO"
        case .receipt: "RECEIPT"
        case .orderID: "ORDER ID"
        case .currency: "CURRENCY"
        case .total: "TOTAL"
        case .lineItem: "LINE ITEM"
        case .phonePayload: "PHONE PAYLOAD"
        case .expiresIn: "EXPIRES IN"
        case .stage: "STAGE"
        case .message: "MESSAGE"
        case .secondsLeft: "SECONDS LEFT"
        case .status: "STATUS"
        case .reason: "REASON"
        case .cardLast4: "CARD LAST4"
        case .approvalCode: "APPROVAL CODE"
        case .rrn: "RRN"
        case .stan: "STAN"
        case .acquirerTerminal: "ACQUIRER TERMINAL"
        case .cardBrand: "CARD BRAND"
        case .transactionTime: "TRANSACTION TIME"
        case .relayData: "RELAY DATA"
        case .closePeriod: "CLOSE PERIOD"
        case .batchID: "BATCH ID"
        case .balance: "BALANCE"
        case .periodClosed: "PERIOD CLOSED"
        case .difference: "DIFFERENCE"
        case .transactionState: "TRANSACTION STATE"
        case .currencyTotals: "CURRENCY TOTALS"
        case .errorCode: "ERROR CODE"
        }
    }

    public var form: FieldForm {
        switch self {
        case .protocolVersion, .inReplyTo, .stage, .status, .closePeriod, .transactionState, .balance,
            .periodClosed:
            .u8
        case .maximumPayload, .errorCode: .u16
        case .expiresIn, .secondsLeft, .transactionTime: .u32
        case .total: .i64
        case .deviceID, .receipt: .ascii(1...32)
        case .orderID, .batchID: .ascii(1...64)
        case .currency: .ascii(3...3)
        case .phonePayload: .ascii(1...1024)
        case .reason: .ascii(1...32)
        case .cardLast4: .ascii(4...4)
        case .approvalCode, .rrn: .ascii(1...12)
        case .stan: .ascii(6...6)
        case .acquirerTerminal: .ascii(1...8)
        case .cardBrand: .ascii(1...16)
        case .relayData: .ascii(1...2048)
        case .software: .text(0...64)
        case .message: .text(0...128)
        case .difference: .text(1...200)
        case .lineItem, .currencyTotals: .group
        }
    }

    public var isRepeatable: Bool { self == .lineItem || self == .currencyTotals || self == .difference }
}

/// The tags inside a LINE ITEM group (`hw/PROTOCOL.md` §6.2).
public enum LineItemField: UInt8, FieldTag, CaseIterable {
    case code = 0x01
    case name = 0x02
    case unitPrice = 0x03
    case quantity = 0x04
    case tax = 0x05

    public var name: String {
        switch self {
        case .code: "CODE"
        case .name: "NAME"
        case .unitPrice: "UNIT PRICE"
        case .quantity: "QUANTITY"
        case .tax: "TAX"
        }
    }

    public var form: FieldForm {
        switch self {
        case .code: .ascii(1...32)
        case .name: .text(1...64)
        case .unitPrice, .tax: .i64
        case .quantity: .u32
        }
    }
}

/// The tags inside a CURRENCY TOTALS group (`hw/PROTOCOL.md` §6.3).
public enum CurrencyTotalsField: UInt8, FieldTag, CaseIterable {
    case currency = 0x01
    case approvedCount = 0x02
    case approvedAmount = 0x03
    case voidedCount = 0x04
    case voidedAmount = 0x05
    case declinedCount = 0x06
    case refundedCount = 0x07
    case refundedAmount = 0x08
    case source = 0x09

    public var name: String {
        switch self {
        case .currency: "CURRENCY"
        case .approvedCount: "APPROVED COUNT"
        case .approvedAmount: "APPROVED AMOUNT"
        case .voidedCount: "VOIDED COUNT"
        case .voidedAmount: "VOIDED AMOUNT"
        case .declinedCount: "DECLINED COUNT"
        case .refundedCount: "REFUNDED COUNT"
        case .refundedAmount: "REFUNDED AMOUNT"
        case .source: "SOURCE"
        }
    }

    public var form: FieldForm {
        switch self {
        case .currency: .ascii(3...3)
        case .source: .u8
        case .approvedCount, .voidedCount, .declinedCount, .refundedCount: .u32
        case .approvedAmount, .voidedAmount, .refundedAmount: .i64
        }
    }
}
