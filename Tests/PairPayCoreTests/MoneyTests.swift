import PairPayCore
import Testing

@Suite struct MoneyTests {
    @Test func currencyLookupByCodeAndNumber() throws {
        #expect(try Currency(code: "JPY").minorUnitDigits == 0)
        #expect(try Currency(code: "KWD").minorUnitDigits == 3)
        #expect(try Currency(numericCode: 840) == .usd)
        #expect(Currency.jpy.numericCodeString == "392")
        #expect(try Currency(code: "AUD").numericCodeString == "036")
    }

    @Test func unknownCurrencyIsRefused() {
        #expect(throws: CurrencyError.unknownCode("jpy")) { try Currency(code: "jpy") }
        #expect(throws: CurrencyError.unknownCode("XYZ")) { try Currency(code: "XYZ") }
        #expect(throws: CurrencyError.unknownNumericCode(1)) { try Currency(numericCode: 1) }
    }

    @Test func arithmeticIsCheckedAndSingleCurrency() throws {
        let a = Money(minorUnits: 500, currency: .jpy)
        let b = Money(minorUnits: 655, currency: .jpy)
        #expect(try a.adding(b).minorUnits == 1155)
        #expect(try a.multiplied(by: 3).minorUnits == 1500)
        #expect(throws: MoneyError.currencyMismatch(.jpy, .usd)) {
            try a.adding(Money(minorUnits: 1, currency: .usd))
        }
        #expect(throws: MoneyError.overflow) {
            try Money(minorUnits: .max, currency: .jpy).adding(Money(minorUnits: 1, currency: .jpy))
        }
        #expect(throws: MoneyError.overflow) {
            try Money(minorUnits: .max / 2 + 1, currency: .usd).multiplied(by: 2)
        }
    }

    @Test func descriptionUsesMinorUnitDigits() throws {
        #expect(Money(minorUnits: 1155, currency: .jpy).description == "JPY 1155")
        #expect(Money(minorUnits: 1155, currency: .usd).description == "USD 11.55")
        #expect(Money(minorUnits: -5, currency: .usd).description == "USD -0.05")
        #expect(Money(minorUnits: 1234, currency: try Currency(code: "KWD")).description == "KWD 1.234")
    }
}
