/// An ISO 4217 currency: its alphabetic code, numeric code and the number of minor-unit digits.
///
/// Only currencies in ``Currency/known`` can be constructed from a code, so an amount can never
/// carry a currency whose minor unit is unknown (JPY has none, USD two, KWD three).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The three-letter alphabetic code, for example `JPY`.
    public let code: String
    /// The three-digit numeric code, for example `392` for JPY (ISO 8583 field 49 carries this).
    public let numericCode: Int
    /// How many decimal digits the minor unit has: 0 for JPY, 2 for USD, 3 for KWD.
    public let minorUnitDigits: Int

    private init(code: String, numericCode: Int, minorUnitDigits: Int) {
        self.code = code
        self.numericCode = numericCode
        self.minorUnitDigits = minorUnitDigits
    }

    /// Looks a currency up by its alphabetic code (exact, upper case).
    /// - Throws: ``CurrencyError/unknownCode(_:)`` when the code is not an ISO 4217 code known here.
    public init(code: String) throws(CurrencyError) {
        guard let found = Currency.byCode[code] else { throw .unknownCode(code) }
        self = found
    }

    /// Looks a currency up by its ISO 4217 numeric code.
    /// - Throws: ``CurrencyError/unknownNumericCode(_:)`` when the number is not known here.
    public init(numericCode: Int) throws(CurrencyError) {
        guard let found = Currency.byNumericCode[numericCode] else { throw .unknownNumericCode(numericCode) }
        self = found
    }

    public var description: String { code }

    /// The numeric code as the three digits ISO 8583 and EMV write it, for example `"392"`.
    public var numericCodeString: String {
        let digits = String(numericCode)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    public static let jpy = Currency(code: "JPY", numericCode: 392, minorUnitDigits: 0)
    public static let usd = Currency(code: "USD", numericCode: 840, minorUnitDigits: 2)
    public static let eur = Currency(code: "EUR", numericCode: 978, minorUnitDigits: 2)

    /// Every currency this system accepts. The list follows ISO 4217 (amendment 176);
    /// a currency missing here is refused with a clear error rather than guessed.
    public static let known: [Currency] = [
        .jpy, .usd, .eur,
        Currency(code: "AUD", numericCode: 36, minorUnitDigits: 2),
        Currency(code: "BHD", numericCode: 48, minorUnitDigits: 3),
        Currency(code: "CAD", numericCode: 124, minorUnitDigits: 2),
        Currency(code: "CHF", numericCode: 756, minorUnitDigits: 2),
        Currency(code: "CLP", numericCode: 152, minorUnitDigits: 0),
        Currency(code: "CNY", numericCode: 156, minorUnitDigits: 2),
        Currency(code: "CZK", numericCode: 203, minorUnitDigits: 2),
        Currency(code: "DKK", numericCode: 208, minorUnitDigits: 2),
        Currency(code: "GBP", numericCode: 826, minorUnitDigits: 2),
        Currency(code: "HKD", numericCode: 344, minorUnitDigits: 2),
        Currency(code: "IDR", numericCode: 360, minorUnitDigits: 2),
        Currency(code: "INR", numericCode: 356, minorUnitDigits: 2),
        Currency(code: "ISK", numericCode: 352, minorUnitDigits: 0),
        Currency(code: "JOD", numericCode: 400, minorUnitDigits: 3),
        Currency(code: "KRW", numericCode: 410, minorUnitDigits: 0),
        Currency(code: "KWD", numericCode: 414, minorUnitDigits: 3),
        Currency(code: "MXN", numericCode: 484, minorUnitDigits: 2),
        Currency(code: "MYR", numericCode: 458, minorUnitDigits: 2),
        Currency(code: "NOK", numericCode: 578, minorUnitDigits: 2),
        Currency(code: "NZD", numericCode: 554, minorUnitDigits: 2),
        Currency(code: "OMR", numericCode: 512, minorUnitDigits: 3),
        Currency(code: "PHP", numericCode: 608, minorUnitDigits: 2),
        Currency(code: "PLN", numericCode: 985, minorUnitDigits: 2),
        Currency(code: "SEK", numericCode: 752, minorUnitDigits: 2),
        Currency(code: "SGD", numericCode: 702, minorUnitDigits: 2),
        Currency(code: "THB", numericCode: 764, minorUnitDigits: 2),
        Currency(code: "TND", numericCode: 788, minorUnitDigits: 3),
        Currency(code: "TWD", numericCode: 901, minorUnitDigits: 2),
        Currency(code: "UGX", numericCode: 800, minorUnitDigits: 0),
        Currency(code: "VND", numericCode: 704, minorUnitDigits: 0),
        Currency(code: "ZAR", numericCode: 710, minorUnitDigits: 2),
    ]

    private static let byCode: [String: Currency] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.code, $0) })
    private static let byNumericCode: [Int: Currency] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.numericCode, $0) })
}

/// Why a currency could not be found.
public enum CurrencyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The alphabetic code is not an ISO 4217 code this system knows.
    case unknownCode(String)
    /// The numeric code is not an ISO 4217 code this system knows.
    case unknownNumericCode(Int)

    public var description: String {
        switch self {
        case .unknownCode(let code):
            return "unknown currency code '\(code)': use an upper-case ISO 4217 code such as JPY, USD or EUR"
        case .unknownNumericCode(let number):
            return "unknown ISO 4217 numeric currency code \(number)"
        }
    }
}
