/// An authorization as the acquirer remembers it: enough to reverse it, no card data.
public struct StoredAuthorization: Sendable, Equatable, Codable {
    public var id: Int64?
    public let orderID: String
    public let merchant: String
    public let terminal: String
    public let stan: String
    public let transmission: String
    public let rrn: String
    /// Minor units.
    public let amount: Int64
    /// ISO 4217 numeric code, as in field 49.
    public let currency: String
    public let maskedPAN: String
    /// `sent`, `approved`, `declined`, `not_sent`, `reversal_pending`, `reversed`, or
    /// `reversal_resolved` (a parked reversal the operator settled with the bank outside PairPay).
    public var state: String
    public var responseCode: String?
    public var approvalCode: String?

    public init(
        id: Int64? = nil, orderID: String, merchant: String, terminal: String, stan: String,
        transmission: String, rrn: String, amount: Int64, currency: String, maskedPAN: String, state: String,
        responseCode: String? = nil, approvalCode: String? = nil
    ) {
        self.id = id
        self.orderID = orderID
        self.merchant = merchant
        self.terminal = terminal
        self.stan = stan
        self.transmission = transmission
        self.rrn = rrn
        self.amount = amount
        self.currency = currency
        self.maskedPAN = maskedPAN
        self.state = state
        self.responseCode = responseCode
        self.approvalCode = approvalCode
    }

    enum CodingKeys: String, CodingKey {
        case id
        case orderID = "order_id"
        case merchant, terminal, stan, transmission, rrn, amount, currency
        case maskedPAN = "masked_pan"
        case state
        case responseCode = "response_code"
        case approvalCode = "approval_code"
    }
}

extension StoredAuthorization {
    /// Field 90 naming this authorization in a reversal, capture or refund: `0100`, its STAN and
    /// field 7, the acquiring institution zero-padded to 11 digits, and a forwarding id of zeros.
    func originalDataElements(acquirer: String) -> String {
        let paddedAcquirer = String(repeating: "0", count: max(0, 11 - acquirer.count)) + acquirer
        return "0100" + stan + transmission + paddedAcquirer + String(repeating: "0", count: 11)
    }
}
