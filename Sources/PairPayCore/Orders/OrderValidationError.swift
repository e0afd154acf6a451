/// Why an order or a settlement request was refused before anything happened.
///
/// Descriptions name the field and say what it must be; they never contain card data.
public enum OrderValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field has a wrong value: the field's JSON path and what it must be.
    case invalidField(String, String)
    /// A required field is missing.
    case missingField(String)
    /// The total is not the sum of the line items.
    case totalMismatch(expected: Int64, got: Int64)
    /// An amount does not fit in 64-bit minor units.
    case amountOverflow
    /// The currency code is not one PairPay knows.
    case unknownCurrency(String)
    /// Card data in the payment is not valid.
    case invalidCard(CardDataError)

    public var description: String {
        switch self {
        case .invalidField(let field, let rule):
            return "\(field) \(rule)"
        case .missingField(let field):
            return "\(field) is required"
        case .totalMismatch(let expected, let got):
            return
                "total is \(got) but the line items add up to \(expected): send Σ(unitPrice × quantity + tax)"
        case .amountOverflow:
            return "an amount overflows 64-bit minor units: check prices and quantities"
        case .unknownCurrency(let code):
            return "currency '\(code)' is unknown: use an upper-case ISO 4217 code such as JPY, USD or EUR"
        case .invalidCard(let error):
            return "payment.card: \(error.description)"
        }
    }
}
