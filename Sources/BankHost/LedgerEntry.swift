import GRDB

/// One line of the issuer's ledger: an authorization, reversal, capture or refund and how it was
/// answered.
/// Card numbers appear only masked.
public struct LedgerEntry: Sendable, Equatable, Codable, FetchableRecord {
    public let seq: Int64
    /// When the issuer answered, ISO 8601 UTC.
    public let at: String
    /// `authorization`, `reversal`, `capture` or `refund`.
    public let event: String
    public let mti: String
    public let accountID: String?
    public let maskedPAN: String?
    /// Minor units of ``currency``.
    public let amount: Int64?
    /// ISO 4217 alphabetic code.
    public let currency: String?
    public let terminal: String?
    public let stan: String?
    public let transmission: String?
    public let rrn: String?
    public let approvalCode: String?
    public let responseCode: String
    /// The hold placed (authorization) or released (reversal), if any.
    public let holdID: Int64?

    enum CodingKeys: String, CodingKey {
        case seq, at, event, mti
        case accountID = "account_id"
        case maskedPAN = "masked_pan"
        case amount, currency, terminal, stan, transmission, rrn
        case approvalCode = "approval_code"
        case responseCode = "response_code"
        case holdID = "hold_id"
    }

    /// The column names, in export order.
    public static let columnNames: [String] = [
        "seq", "at", "event", "mti", "account_id", "masked_pan", "amount", "currency", "terminal", "stan",
        "transmission", "rrn", "approval_code", "response_code", "hold_id",
    ]
}

/// An amount currently held on an account.
public struct Hold: Sendable, Equatable, Codable, FetchableRecord {
    public let id: Int64
    public let accountID: String
    public let maskedPAN: String
    public let amount: Int64
    public let currency: String
    public let terminal: String
    public let stan: String
    public let transmission: String
    public let rrn: String
    public let approvalCode: String
    /// `active`, `released` (reversed) or `captured` (posted: ``capturedAmount``).
    public let status: String
    /// What a capture posted (0 until captured).
    public let capturedAmount: Int64
    /// What refunds gave back of the captured amount so far.
    public let refundedAmount: Int64

    enum CodingKeys: String, CodingKey {
        case id
        case accountID = "account_id"
        case maskedPAN = "masked_pan"
        case amount, currency, terminal, stan, transmission, rrn
        case approvalCode = "approval_code"
        case status
        case capturedAmount = "captured_amount"
        case refundedAmount = "refunded_amount"
    }
}
