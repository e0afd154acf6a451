import GRDB

/// One line of the issuer's ledger: an authorization or a reversal and how it was answered.
/// Card numbers appear only masked.
public struct LedgerEntry: Sendable, Equatable, Codable, FetchableRecord {
    public let seq: Int64
    /// When the issuer answered, ISO 8601 UTC.
    public let at: String
    /// `authorization` or `reversal`.
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
    /// `active` or `released`.
    public let status: String

    enum CodingKeys: String, CodingKey {
        case id
        case accountID = "account_id"
        case maskedPAN = "masked_pan"
        case amount, currency, terminal, stan, transmission, rrn
        case approvalCode = "approval_code"
        case status
    }
}
