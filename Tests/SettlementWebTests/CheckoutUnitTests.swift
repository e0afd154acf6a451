import Foundation
import PairPayCore
import Testing

@testable import SettlementWeb

/// The pure parts of the payment pages: escaping, languages, tokens, rate limits, forms.
@Suite struct CheckoutUnitTests {
    @Test func htmlEscapesEverythingThatCouldOpenMarkup() {
        #expect(
            HTML.escape(#"<script>"a"&'b'</script>"#)
                == "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;")
    }

    @Test func theLanguageComesFromQueryThenCookieThenAcceptLanguage() {
        #expect(CheckoutLocale.choose(query: "ja", cookie: "en", acceptLanguage: "en") == .japanese)
        #expect(CheckoutLocale.choose(query: nil, cookie: "ja", acceptLanguage: "en") == .japanese)
        #expect(
            CheckoutLocale.choose(query: "xx", cookie: nil, acceptLanguage: "ja-JP,ja;q=0.9,en;q=0.8")
                == .japanese)
        #expect(
            CheckoutLocale.choose(query: nil, cookie: nil, acceptLanguage: "fr-FR, en;q=0.5, ja;q=0.4")
                == .english)
        #expect(CheckoutLocale.choose(query: nil, cookie: nil, acceptLanguage: "ja;q=0") == .english)
        #expect(CheckoutLocale.choose(query: nil, cookie: nil, acceptLanguage: nil) == .english)
    }

    @Test func tokensAreBoundToPurposeFieldsKeyAndTime() {
        let tokens = FormTokens(key: Array(repeating: 7, count: 32), lifetime: 600)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = tokens.issue(.form, ["browser", "shop-1", "PP-1"], at: now)
        #expect(tokens.verify(token, .form, ["browser", "shop-1", "PP-1"], at: now.addingTimeInterval(599)))
        #expect(!tokens.verify(token, .form, ["browser", "shop-1", "PP-1"], at: now.addingTimeInterval(601)))
        #expect(!tokens.verify(token, .ticket, ["browser", "shop-1", "PP-1"], at: now))
        #expect(!tokens.verify(token, .form, ["other", "shop-1", "PP-1"], at: now))
        #expect(
            !FormTokens(key: Array(repeating: 8, count: 32)).verify(
                token, .form, ["browser", "shop-1", "PP-1"], at: now))
        #expect(!tokens.verify("garbage", .form, ["browser", "shop-1", "PP-1"], at: now))
    }

    @Test func theRateLimiterAllowsABurstThenItsRate() {
        var limiter = RateLimiter(burst: 3, perMinute: 6)
        #expect(limiter.take("a", at: 0) == nil)
        #expect(limiter.take("a", at: 0) == nil)
        #expect(limiter.take("a", at: 0) == nil)
        #expect(limiter.take("a", at: 0) == 10)  // one token every 10 s
        #expect(limiter.take("b", at: 0) == nil)  // per client
        #expect(limiter.take("a", at: 10) == nil)
        #expect(limiter.take("a", at: 10) == 10)
        limiter.prune(at: 1000)
        #expect(limiter.buckets.isEmpty)
    }

    @Test func formBodiesDecodePlusAndPercent() {
        let form = FormBody("pan=4111+1111%201111+1111&expiry=12%2F30&empty=&bad=%zz&pan=second")
        #expect(form["pan"] == "4111 1111 1111 1111")
        #expect(form["expiry"] == "12/30")
        #expect(form["empty"] == "")
        #expect(form["bad"] == "%zz")
        #expect(form["missing"] == nil)
    }

    @Test func amountsShowTheirMinorUnits() {
        #expect(MoneyText.format(.init(minorUnits: 1155, currency: .jpy)) == "JPY 1,155")
        #expect(MoneyText.format(.init(minorUnits: 123_456_789, currency: .usd)) == "USD 1,234,567.89")
        #expect(MoneyText.format(.init(minorUnits: 5, currency: .usd)) == "USD 0.05")
    }

    @Test func theGuestCardFormReadsMMYY() throws {
        let card = try CheckoutRoutes.card(FormBody("pan=4111-1111-1111-1111&expiry=12%2F30&cvc=123"))
        #expect(card.expiry.yymm == "3012")
        #expect(card.primaryAccountNumber.lastFour == "1111")
        #expect(throws: (any Error).self) {
            try CheckoutRoutes.card(FormBody("pan=4111111111111112&expiry=1230"))
        }
    }
}
