import PairPayCore
import Testing

@Suite struct OrderMatcherTests {
    @Test func sameOrderMatchesWithContentsOrDigest() throws {
        let contents = try OrderFixtures.contents()
        #expect(OrderMatcher.match(store: contents, phone: try OrderFixtures.claim(from: contents)) == .match)
        #expect(
            OrderMatcher.match(
                store: contents, phone: try OrderFixtures.claim(from: contents, digestOnly: true))
                == .match)
    }

    @Test func mismatchNamesFieldsButNoValues() throws {
        let store = try OrderFixtures.contents()
        let phone = try OrderFixtures.contents(peanutPrice: 400, peanutQuantity: 2)
        let result = OrderMatcher.match(store: store, phone: try OrderFixtures.claim(from: phone))
        #expect(
            result == .mismatch(fields: ["total", "lineItems[0].quantity", "lineItems[0].unitPrice"]))
        guard case .mismatch(let fields) = result else { return }
        for field in fields {
            #expect(!field.contains("500") && !field.contains("400"))
        }
    }

    @Test func tamperedAmountOrDigestIsAMismatch() throws {
        let store = try OrderFixtures.contents()
        #expect(
            OrderMatcher.match(store: store, phone: try OrderFixtures.claim(from: store, total: 1))
                == .mismatch(fields: ["total"]))
        let other = try OrderFixtures.contents(peanutQuantity: 2)
        let claim = try OrderClaim(
            merchantID: store.merchantID, orderID: store.orderID, total: store.total, contents: nil,
            contentsDigest: other.contentsDigest)
        #expect(OrderMatcher.match(store: store, phone: claim) == .mismatch(fields: ["contentsDigest"]))
        let otherMerchant = try OrderFixtures.contents(merchant: "MERCHANT-43")
        #expect(
            OrderMatcher.match(store: store, phone: try OrderFixtures.claim(from: otherMerchant))
                == .mismatch(fields: ["merchantId"]))
    }
}
