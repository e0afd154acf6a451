import Foundation
import PairPayCore
import Testing

/// Issue 12: the payment request as an https link any phone camera opens.
@Suite("Checkout link (the QR code as a URL)")
struct CheckoutLinkTests {
    @Test func roundTripsWithoutItemsAndThePhonesClaimMatchesByDigest() throws {
        let contents = try OrderFixtures.contents()
        let payload = try PaymentPayload(
            contents: contents, serverURL: "https://pay.example.com:8443", expiresAt: 1_795_000_000,
            relayURL: "http://127.0.0.1:8090/v1/relay")
        let url = payload.checkoutURL
        #expect(
            url.hasPrefix(
                "https://pay.example.com:8443/p/\(contents.merchantID)/\(contents.orderID)?t=1155&c=JPY&d="))
        #expect(url.hasSuffix("&e=1795000000&r=http%3A%2F%2F127.0.0.1%3A8090%2Fv1%2Frelay"))
        let read = try PaymentPayload(text: url)
        #expect(read == payload.withoutLineItems())
        #expect(read.contentsDigest == contents.contentsDigest)
        #expect(OrderMatcher.match(store: contents, phone: try read.claim()) == .match)
    }

    /// A small QR code: a 200-character link fits version 10 at error correction M (213 bytes).
    @Test func aTypicalLinkIsAtMost200Characters() throws {
        let contents = try OrderContents(
            merchantID: "MERCHANT-42", orderID: "PP-TERM-1-3KX9D0QH2M", currency: .jpy,
            lineItems: [
                try OrderLineItem(code: "4901234567894", name: "x", unitPrice: 123_456, quantity: 1, tax: 0)
            ])
        let payload = try PaymentPayload(
            contents: contents, serverURL: "https://pay.shop-example.co.jp:8443", expiresAt: 1_795_000_000,
            relayURL: "http://192.168.10.20:8090/v1/relay")
        #expect(payload.checkoutURL.utf8.count <= 200, "\(payload.checkoutURL.utf8.count)")
    }

    @Test func aDoctoredTotalStillReadsAndIsAMismatchAtTheServer() throws {
        let contents = try OrderFixtures.contents()
        let url = try PaymentPayload(
            contents: contents, serverURL: "https://pay.example", expiresAt: 1_795_000_000
        )
        .checkoutURL.replacingOccurrences(of: "t=1155", with: "t=1")
        let read = try PaymentPayload(text: url)
        #expect(read.total.minorUnits == 1)
        #expect(OrderMatcher.match(store: contents, phone: try read.claim()) != .match)
    }

    @Test(arguments: [
        ("http://pay.example/p/M1/O1?t=1&c=JPY&d=\(String(repeating: "A", count: 43))&e=1", "https"),
        ("https://pay.example/q/M1/O1?t=1&c=JPY&d=\(String(repeating: "A", count: 43))&e=1", "path"),
        ("https://pay.example/p/M1/O1?t=1&c=JPY&e=1", "contentsDigest"),
        ("https://pay.example/p/M1/O1?t=x&c=JPY&d=\(String(repeating: "A", count: 43))&e=1", "total"),
        ("https://pay.example/p/M1/O1?t=1&c=XYZ&d=\(String(repeating: "A", count: 43))&e=1", "XYZ"),
        ("https://pay.example/p/M1/O1?t=1&c=JPY&d=AAAA&e=1", "contentsDigest"),
        ("https://pay.example/p/M1/O1?t=1&t=2&c=JPY&d=\(String(repeating: "A", count: 43))&e=1", "twice"),
        ("https://pay.example/p/M%2F1/O1?t=1&c=JPY&d=\(String(repeating: "A", count: 43))&e=1", "merchantId"),
        (
            "https://pay.example/p/M1/O1?t=1000000000000&c=JPY&d=\(String(repeating: "A", count: 43))&e=1",
            "total"
        ),
    ])
    func badLinksAreRefusedNamingWhatIsWrong(url: String, named: String) {
        do {
            _ = try PaymentPayload(checkoutURL: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect("\(error)".contains(named), "\(error)")
        }
    }

    /// docs/PAYMENT-PAYLOAD.md's example link is what the code reads and writes.
    @Test func theDocumentsExampleLinkReadsAndWritesBack() throws {
        let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PAYMENT-PAYLOAD.md")
        let text = try String(contentsOf: document, encoding: .utf8)
        let marker = try #require(text.range(of: "<!-- vector: checkout-url -->"))
        let block = text[marker.upperBound...]
        let start = try #require(block.range(of: "```text\n"))
        let link = String(block[start.upperBound...].prefix { $0 != "\n" })
        let digestLine = try #require(block.range(of: "contentsDigest: "))
        let digest = String(block[digestLine.upperBound...].prefix { $0 != "\n" && $0 != "`" })
        let read = try PaymentPayload(text: link)
        #expect(read.contentsDigest == digest)
        #expect(read.checkoutURL == link)
    }
}
