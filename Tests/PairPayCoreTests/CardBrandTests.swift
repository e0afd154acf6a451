import PairPayCore
import Testing

/// Card brands by the first digits of well-known test card numbers.
@Suite struct CardBrandTests {
    @Test(arguments: [
        ("4111111111111111", CardBrand.visa), ("5555555555554444", .mastercard),
        ("2223003122003222", .mastercard),
        ("378282246310005", .amex), ("3530111333300000", .jcb), ("6011111111111117", .discover),
        ("30569309025904", .diners), ("6200000000000005", .unionpay), ("9999999999999995", .other),
    ])
    func brandOf(_ number: String, _ brand: CardBrand) throws {
        #expect(CardBrand.of(try PrimaryAccountNumber(number)) == brand)
    }

    @Test func receiptDataIsChecked() {
        #expect(throws: OrderValidationError.self) {
            try ReceiptData(rrn: "short", stan: "000001", terminalId: "T1", cardBrand: .visa)
        }
        #expect(throws: OrderValidationError.self) {
            try ReceiptData(rrn: "633512000007", stan: "12345a", terminalId: "T1", cardBrand: .visa)
        }
        #expect(throws: OrderValidationError.self) {
            try ReceiptData(rrn: "633512000007", stan: "000001", terminalId: "TOO-LONG-1", cardBrand: .visa)
        }
    }
}
