import PairPayCore

/// A sale whose currency is known and whose total is exactly the sum of its lines.
public struct ValidatedSale: Equatable, Sendable {
    public let sale: Sale
    public let total: Money
}

/// Why a well-formed SALE cannot be paid (ERROR `invalid-sale`).
public enum SaleValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownCurrency(String)
    case negativeAmount(line: Int, field: String)
    case zeroQuantity(line: Int)
    case totalNotPositive(Int64)
    case totalTooLarge(Int64)
    case totalMismatch(declared: Int64, sumOfLines: Int64)
    case overflow

    public var description: String {
        switch self {
        case .unknownCurrency(let code):
            return "unknown currency '\(code)': use an ISO 4217 code such as JPY, USD or EUR"
        case .negativeAmount(let line, let field):
            return "line \(line): \(field) must not be negative"
        case .zeroQuantity(let line):
            return "line \(line): QUANTITY must be at least 1"
        case .totalNotPositive(let total):
            return "TOTAL must be greater than zero (got \(total))"
        case .totalTooLarge(let total):
            return
                "TOTAL \(total) is more than a payment can carry: it must be \(Money.payableRangeDescription)"
        case .totalMismatch(let declared, let sum):
            return "TOTAL \(declared) does not equal the sum of the lines \(sum)"
        case .overflow:
            return "the amounts overflow 64-bit minor units"
        }
    }
}

extension Sale {
    /// Checks the currency and the arithmetic: every line's `unit price × quantity + tax` adds up
    /// exactly to the TOTAL, which is positive and at most ``Money/maximumPayableMinorUnits``.
    public func validated() throws(SaleValidationError) -> ValidatedSale {
        let currency: Currency
        do { currency = try Currency(code: currencyCode) } catch { throw .unknownCurrency(currencyCode) }
        var sum = Money.zero(currency)
        for (index, item) in lineItems.enumerated() {
            let line = index + 1
            guard item.unitPrice >= 0 else { throw .negativeAmount(line: line, field: "UNIT PRICE") }
            guard item.tax >= 0 else { throw .negativeAmount(line: line, field: "TAX") }
            guard item.quantity >= 1 else { throw .zeroQuantity(line: line) }
            do {
                let amount = try Money(minorUnits: item.unitPrice, currency: currency)
                    .multiplied(by: Int64(item.quantity))
                    .adding(Money(minorUnits: item.tax, currency: currency))
                sum = try sum.adding(amount)
            } catch {
                throw .overflow
            }
        }
        guard total > 0 else { throw .totalNotPositive(total) }
        guard total <= Money.maximumPayableMinorUnits else { throw .totalTooLarge(total) }
        guard sum.minorUnits == total else {
            throw .totalMismatch(declared: total, sumOfLines: sum.minorUnits)
        }
        return ValidatedSale(sale: self, total: sum)
    }
}
