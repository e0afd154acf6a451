/// The ISO 8583 data elements PairPay's profile uses, by their field number.
///
/// Formats are in ``FieldSpecification/pairPay`` and written down in `docs/ISO8583.md`.
public enum ISOField: Int, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    /// Field 2, n..19 LLVAR: the card number. Always masked in descriptions.
    case primaryAccountNumber = 2
    /// Field 3, n6: processing code (`000000` = goods and services).
    case processingCode = 3
    /// Field 4, n12: amount in minor units of field 49's currency, zero-padded.
    case amount = 4
    /// Field 7, n10: transmission date and time, `MMDDhhmmss` UTC.
    case transmissionDateTime = 7
    /// Field 11, n6: system trace audit number (STAN), unique per acquirer per day.
    case systemTraceAuditNumber = 11
    /// Field 12, n6: local transaction time `hhmmss`.
    case localTime = 12
    /// Field 13, n4: local transaction date `MMDD`.
    case localDate = 13
    /// Field 14, n4: card expiry `YYMM`. Never printed.
    case expirationDate = 14
    /// Field 22, n3: point-of-service entry mode (`010` = keyed/e-commerce, `071` = contactless).
    case posEntryMode = 22
    /// Field 32, n..11 LLVAR: acquiring institution identification code.
    case acquiringInstitution = 32
    /// Field 37, an12: retrieval reference number (RRN).
    case retrievalReferenceNumber = 37
    /// Field 38, an6: approval code given by the issuer.
    case approvalCode = 38
    /// Field 39, an2: response code (`00` approved, `51` insufficient funds, ...).
    case responseCode = 39
    /// Field 41, ans8: card acceptor terminal identification.
    case terminalID = 41
    /// Field 42, ans15: card acceptor (merchant) identification code.
    case merchantID = 42
    /// Field 48, ans..999 LLLVAR: additional data, private use; PairPay carries the card security code.
    /// Never printed.
    case additionalDataPrivate = 48
    /// Field 49, n3: ISO 4217 numeric currency code of field 4.
    case currencyCode = 49
    /// Field 70, n3: network management information code (`001` sign-on, `002` sign-off, `301` echo).
    case networkManagementCode = 70
    /// Field 74, n10: credits, number (reconciliation: refunds posted).
    case creditsNumber = 74
    /// Field 76, n10: debits, number (reconciliation: captures posted).
    case debitsNumber = 76
    /// Field 86, n16: credits, amount (reconciliation: refunds posted, minor units of field 49).
    case creditsAmount = 86
    /// Field 88, n16: debits, amount (reconciliation: captures posted, minor units of field 49).
    case debitsAmount = 88
    /// Field 90, n42: original data elements of the message being reversed.
    case originalDataElements = 90

    public static func < (lhs: ISOField, rhs: ISOField) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "field \(rawValue)" }
}
