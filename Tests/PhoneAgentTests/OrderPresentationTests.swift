import PairPayCore
import PhoneAgent
import Testing

/// What the customer sees before agreeing.
@Suite("PhoneAgent: presenting the order")
struct OrderPresentationTests {
    @Test func linesShowOrderItemsAndTotalInMinorUnits() throws {
        let fixture = try AgentFixture([])
        let presentation = OrderPresentation(fixture.payload)
        #expect(
            presentation.lines == [
                "order PP-TERM-7-0001 at MERCHANT-42",
                "item 4901234567894 1 x JPY 500 + tax JPY 25 = JPY 525 Peanut butter",
                "item 4909876543210 1 x JPY 600 + tax JPY 30 = JPY 630 Grape jelly",
                "total JPY 1155",
            ])
        #expect(presentation.question == "Pay JPY 1155 to MERCHANT-42? [y/N]")
        #expect(
            OrderPresentation(fixture.payload.withoutLineItems()).lines == [
                "order PP-TERM-7-0001 at MERCHANT-42",
                "items not in the payment code (paying by contents digest)",
                "total JPY 1155",
            ])
    }

    @Test func centsAreShownWithTheirDecimals() throws {
        let contents = try OrderContents(
            merchantID: "SHOP-US", orderID: "o-1", currency: .usd,
            lineItems: [try OrderLineItem(code: "A1", name: "Coffee", unitPrice: 350, quantity: 3, tax: 105)])
        let payload = try PaymentPayload(
            contents: contents, serverURL: AgentFixture.server, expiresAt: 2_000_000_000)
        let presentation = OrderPresentation(payload)
        #expect(presentation.lines[1] == "item A1 3 x USD 3.50 + tax USD 1.05 = USD 11.55 Coffee")
        #expect(presentation.totalLine == "total USD 11.55")
    }
}
