import PairPayCore
import Testing

@Suite struct CardDataTests {
    @Test func panIsLuhnCheckedAndMasked() throws {
        let pan = try PrimaryAccountNumber("4111111111111111")
        #expect(pan.description == "411111******1111")
        #expect("\(pan)" == "411111******1111")
        #expect(String(reflecting: pan) == "411111******1111")
        #expect(pan.lastFour == "1111")
        #expect(throws: CardDataError.panFailsLuhnCheck(masked: "411111******1112")) {
            try PrimaryAccountNumber("4111111111111112")
        }
        #expect(throws: CardDataError.panNotDigits(length: 16)) {
            try PrimaryAccountNumber("4111-11111111111")
        }
        #expect(throws: CardDataError.panNotDigits(length: 5)) { try PrimaryAccountNumber("41111") }
        #expect(try PrimaryAccountNumber("378282246310005").description == "378282*****0005")
    }

    @Test func expiryAndCVCNeverPrint() throws {
        let card = CardData(
            primaryAccountNumber: try PrimaryAccountNumber("5555555555554444"),
            expiry: try CardExpiry(yymm: "3006"), securityCode: try CardSecurityCode("456"))
        let text =
            "\(card) \(card.expiry) \(String(describing: card.securityCode)) \(String(reflecting: card))"
        #expect(!text.contains("5555555555554444"))
        #expect(!text.contains("3006"))
        #expect(!text.contains("456"))
        #expect(card.expiry.yymm == "3006")
        #expect(throws: CardDataError.invalidExpiry) { try CardExpiry(yymm: "3013") }
        #expect(throws: CardDataError.invalidSecurityCode) { try CardSecurityCode("12") }
    }

    @Test func responseCodesMapToReasons() {
        #expect(IssuerResponseCode.declineReason(for: "51") == .insufficientFunds)
        #expect(IssuerResponseCode.declineReason(for: "N7") == .incorrectCVC)
        #expect(IssuerResponseCode.declineReason(for: "54") == .expiredCard)
        #expect(IssuerResponseCode.declineReason(for: "14") == .invalidCard)
        #expect(IssuerResponseCode.declineReason(for: "61") == .limitExceeded)
        #expect(IssuerResponseCode.declineReason(for: "05") == .doNotHonour)
        #expect(IssuerResponseCode.declineReason(for: "00") == nil)
        #expect(IssuerResponseCode.meansIssuerUnavailable("91"))
        #expect(IssuerResponseCode.declineReason(for: "43") == .other(responseCode: "43"))
    }
}
