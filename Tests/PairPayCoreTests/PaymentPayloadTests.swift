import Foundation
import PairPayCore
import Testing

@Suite("Payment payload (the QR code's text)")
struct PaymentPayloadTests {
    static let server = "https://pay.example:8443"

    @Test("round-trips through text with the line items, and the phone's claim matches the store's order")
    func roundTrip() throws {
        let contents = try OrderFixtures.contents()
        let payload = try PaymentPayload(
            contents: contents, serverURL: Self.server, expiresAt: 1_800_000_000,
            relayURL: "http://192.168.1.20:8090/v1/relay")
        let text = try payload.text()
        #expect(text.hasPrefix("PAIRPAY1:"))
        #expect(text.utf8.count <= 1024)
        let read = try PaymentPayload(text: text)
        #expect(read == payload)
        #expect(read.contents == contents)
        let claim = try read.claim()
        #expect(OrderMatcher.match(store: contents, phone: claim) == .match)
    }

    @Test("a basket too big for 1024 characters leaves its items out and is paid by digest")
    func largeBasketDropsItems() throws {
        let items = try (0..<40).map { index in
            try OrderLineItem(
                code: "49012345\(String(format: "%05d", index))",
                name: "Item number \(index) with a long name",
                unitPrice: 100, quantity: 1, tax: 10)
        }
        let contents = try OrderContents(
            merchantID: "MERCHANT-42", orderID: "PP-TERM-7-ABCDEFGHJK", currency: .jpy, lineItems: items)
        let text = try PaymentPayload(contents: contents, serverURL: Self.server, expiresAt: 1_800_000_000)
            .text()
        #expect(text.utf8.count <= 1024)
        let read = try PaymentPayload(text: text)
        #expect(read.lineItems == nil)
        #expect(read.total.minorUnits == 4400)
        let claim = try read.claim()
        #expect(claim.contents == nil)
        #expect(OrderMatcher.match(store: contents, phone: claim) == .match)
    }

    @Test("a payload whose total was altered is refused: the items no longer add up")
    func alteredTotalRefused() throws {
        let contents = try OrderFixtures.contents()
        let text = try PaymentPayload(contents: contents, serverURL: Self.server, expiresAt: 1_800_000_000)
            .text()
        let json = try #require(Base64URL.decode(String(text.dropFirst(PaymentPayload.prefix.count))))
        let altered = String(decoding: json, as: UTF8.self).replacingOccurrences(
            of: "\"total\":1155", with: "\"total\":115")
        #expect(altered != String(decoding: json, as: UTF8.self))
        #expect(throws: PaymentPayloadError.self) {
            try PaymentPayload(text: PaymentPayload.prefix + Base64URL.encode(Array(altered.utf8)))
        }
    }

    @Test(
        "bad texts are refused with a reason",
        arguments: [
            "", "hello", "PAIRPAY1:", "PAIRPAY1:!!!", "PAIRPAY2:e30", "PAIRPAY1:e30",
            "PAIRPAY1:" + String(repeating: "A", count: 1100),
        ])
    func badTexts(_ text: String) {
        #expect(throws: PaymentPayloadError.self) { try PaymentPayload(text: text) }
    }

    @Test("the server must be https and the relay http or https, without credentials")
    func urlRules() throws {
        let contents = try OrderFixtures.contents()
        for server in [
            "http://pay.example", "pay.example", "https://", "https://user:pw@pay.example", "https://a b",
        ] {
            #expect(throws: PaymentPayloadError.self) {
                try PaymentPayload(contents: contents, serverURL: server, expiresAt: 1_800_000_000)
            }
        }
        #expect(throws: PaymentPayloadError.self) {
            try PaymentPayload(
                contents: contents, serverURL: Self.server, expiresAt: 1_800_000_000, relayURL: "ftp://x/")
        }
    }

    @Test("the digest must belong to the items")
    func digestMustMatchItems() throws {
        let contents = try OrderFixtures.contents()
        let other = try OrderFixtures.contents(peanutPrice: 400)
        #expect(throws: PaymentPayloadError.self) {
            try PaymentPayload(
                serverURL: Self.server, merchantID: contents.merchantID, orderID: contents.orderID,
                total: contents.total, contentsDigest: other.contentsDigest, expiresAt: 1_800_000_000,
                lineItems: contents.lineItems)
        }
    }
}
