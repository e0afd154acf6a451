/// An amount of money: a whole number of minor units of one currency.
///
/// There is no floating point anywhere: ¥1155 is `Money(minorUnits: 1155, currency: .jpy)` and
/// $11.55 is `Money(minorUnits: 1155, currency: .usd)`. Arithmetic is overflow-checked and refuses
/// to mix currencies.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount in the currency's minor unit (cents for USD, yen for JPY).
    public let minorUnits: Int64
    /// The currency of the amount.
    public let currency: Currency

    /// Creates an amount from minor units.
    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// The largest amount PairPay accepts for one payment, in minor units: 999 999 999 999.
    ///
    /// ISO 8583 field 4 (amount, transaction) is 12 digits, so no larger amount can reach the bank.
    /// Every place an amount to pay enters (the API, the phone's payload, a register's SALE) refuses
    /// more, so that nothing is recorded that the bank message could not carry.
    public static let maximumPayableMinorUnits: Int64 = 999_999_999_999

    /// Whether `minorUnits` is an amount that can be paid: 1 … ``maximumPayableMinorUnits``.
    public static func isPayable(minorUnits: Int64) -> Bool {
        (1...maximumPayableMinorUnits).contains(minorUnits)
    }

    /// The payable range in words, for error messages.
    public static let payableRangeDescription =
        "1 to 999999999999 minor units (ISO 8583 field 4 carries 12 digits)"

    /// Zero in the given currency.
    public static func zero(_ currency: Currency) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    /// Adds two amounts of the same currency.
    /// - Throws: ``MoneyError`` on a currency mismatch or overflow.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    /// Multiplies the amount by a whole quantity.
    /// - Throws: ``MoneyError/overflow`` when the product does not fit.
    public func multiplied(by quantity: Int64) throws(MoneyError) -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: product, currency: currency)
    }

    /// The amount written with its currency's decimals, for people: `JPY 1155`, `USD 11.55`.
    public var description: String {
        let digits = currency.minorUnitDigits
        guard digits > 0 else { return "\(currency.code) \(minorUnits)" }
        let magnitude = minorUnits.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let whole = magnitude / divisor
        let fraction = String(magnitude % divisor)
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(currency.code) \(minorUnits < 0 ? "-" : "")\(whole).\(padded)"
    }
}

/// Why an arithmetic operation on money was refused.
public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The two amounts are in different currencies; convert explicitly first.
    case currencyMismatch(Currency, Currency)
    /// The result does not fit in 64-bit minor units.
    case overflow

    public var description: String {
        switch self {
        case .currencyMismatch(let left, let right):
            return "cannot combine amounts in \(left.code) and \(right.code)"
        case .overflow:
            return "amount overflows 64-bit minor units"
        }
    }
}

extension Money {
    /// `amount` minor units of the currency with ISO 4217 code `code`, as ``description`` writes
    /// it (`JPY 1155`, `USD 9.99`); a code no currency has is written as it is, beside the units.
    public static func description(minorUnits amount: Int64, currencyCode code: String) -> String {
        guard let currency = try? Currency(code: code) else { return "\(code) \(amount)" }
        return Money(minorUnits: amount, currency: currency).description
    }
}
