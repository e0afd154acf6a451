import PairPayCore
import PropertyBased
import RegisterProtocol
import Testing

@Suite struct MessageCodecTests {
    static let basket = ProtocolDocumentVectorTests.sale

    func decode(_ type: MessageType, _ payload: [UInt8]) throws(MessageDecodingError) -> RegisterMessage {
        try RegisterMessage(type: type.rawValue, payload: payload)
    }

    func field(_ tag: UInt8, _ value: [UInt8]) -> [UInt8] {
        [tag, UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
    }

    @Test func everyMessageRoundTrips() throws {
        for (_, _, message) in ProtocolDocumentVectorTests.expected {
            guard let message else { continue }
            #expect(try RegisterMessage(type: message.type.rawValue, payload: message.payload) == message)
        }
    }

    @Test func arbitrarySalesRoundTrip() async {
        let item = zip(
            Gen.letterOrNumber.string(of: 1...32), Gen.letterOrNumber.string(of: 1...64),
            Gen.int64(in: 0...1_000_000), Gen.uint32(in: 1...1000), Gen.int64(in: 0...10_000)
        ).map { SaleLineItem(code: $0, name: $1, unitPrice: $2, quantity: $3, tax: $4) }
        let sale = zip(Gen.letterOrNumber.string(of: 1...32), item.array(of: 1...20)).map { receipt, items in
            Sale(
                receipt: receipt, currencyCode: "USD",
                total: items.reduce(0) { $0 + $1.unitPrice * Int64($1.quantity) + $1.tax }, lineItems: items)
        }
        await propertyCheck(count: 200, input: sale) { sale in
            let decoded = try? RegisterMessage(type: MessageType.sale.rawValue, payload: sale.payload)
            #expect(decoded == .sale(sale))
            #expect((try? sale.validated())?.total.minorUnits == sale.total)
        }
    }

    @Test func unicodeTextSurvives() throws {
        var sale = Self.basket
        sale.lineItems[0].name = "ピーナッツバター"
        #expect(try decode(.sale, sale.payload) == .sale(sale))
    }

    @Test func unknownTagsAreSkipped() throws {
        let payload = field(0x99, [1, 2, 3]) + Abort(receipt: "R-1").payload + field(0xEE, [])
        #expect(try decode(.abort, payload) == .abort(Abort(receipt: "R-1")))
    }

    @Test func missingRequiredFieldIsNamed() {
        #expect(throws: MessageDecodingError.missingField("RECEIPT")) { try decode(.abort, []) }
        var sale = Self.basket
        sale.lineItems = []
        #expect(throws: MessageDecodingError.missingField("LINE ITEM")) { try decode(.sale, sale.payload) }
    }

    @Test func repeatedFieldIsRefused() {
        let payload = Abort(receipt: "R-1").payload + Abort(receipt: "R-2").payload
        #expect(throws: MessageDecodingError.repeatedField("RECEIPT")) { try decode(.abort, payload) }
    }

    @Test func truncatedFieldListIsRefused() {
        let payload = Array(Abort(receipt: "R-1").payload.dropLast())
        #expect(throws: MessageDecodingError.truncated(offset: 0)) { try decode(.abort, payload) }
        #expect(throws: MessageDecodingError.truncated(offset: 0)) { try decode(.abort, [0x10, 0x00]) }
    }

    @Test func wrongIntegerWidthIsRefused() {
        let payload = field(0x01, [0, 1]) + field(0x02, Array("REG".utf8))
        #expect(
            throws: MessageDecodingError.wrongLength(
                field: "PROTOCOL VERSION", expected: "exactly 1", actual: 2)
        ) {
            try decode(.hello, payload)
        }
    }

    @Test func lengthLimitsAreEnforced() {
        let long = Array(repeating: UInt8(ascii: "A"), count: 33)
        #expect(throws: MessageDecodingError.wrongLength(field: "RECEIPT", expected: "1 to 32", actual: 33)) {
            try decode(.abort, field(0x10, long))
        }
        #expect(throws: MessageDecodingError.wrongLength(field: "RECEIPT", expected: "1 to 32", actual: 0)) {
            try decode(.abort, field(0x10, []))
        }
    }

    @Test func nonPrintableAsciiIsRefused() {
        #expect(throws: MessageDecodingError.invalidCharacters(field: "RECEIPT")) {
            try decode(.abort, field(0x10, [0x52, 0x0A]))
        }
        #expect(throws: MessageDecodingError.invalidCharacters(field: "RECEIPT")) {
            try decode(.abort, field(0x10, [0x52, 0xC3, 0xA9]))
        }
    }

    @Test func invalidUTF8TextIsRefused() {
        var payload = Self.basket.payload
        // Replace the first NAME's bytes ("Peanut butter") with an invalid UTF-8 sequence of the same length.
        let name = Array("Peanut butter".utf8)
        let start = (0...(payload.count - name.count)).first {
            Array(payload[$0..<($0 + name.count)]) == name
        }!
        payload.replaceSubrange(start..<(start + 2), with: [0xC3, 0x28])
        #expect(throws: MessageDecodingError.invalidCharacters(field: "NAME")) { try decode(.sale, payload) }
    }

    @Test func unknownEnumValuesAreRefused() {
        let payload = field(0x10, Array("R".utf8)) + field(0x30, [9])
        #expect(throws: MessageDecodingError.invalidValue(field: "STAGE", reason: "unknown stage 9")) {
            try decode(.progress, payload)
        }
        #expect(throws: MessageDecodingError.invalidValue(field: "CLOSE PERIOD", reason: "must be 0 or 1")) {
            try decode(.totalsRequest, field(0x51, [2]))
        }
    }

    @Test func cardLast4MustBeDigits() {
        var result = TransactionResult(receipt: "R", status: .approved, reason: "approved", cardLast4: "12a4")
        #expect(throws: MessageDecodingError.invalidValue(field: "CARD LAST4", reason: "must be four digits"))
        {
            try decode(.result, result.payload)
        }
        result.cardLast4 = "12345"
        #expect(
            throws: MessageDecodingError.wrongLength(field: "CARD LAST4", expected: "exactly 4", actual: 5)
        ) {
            try decode(.result, result.payload)
        }
    }

    @Test func tooManyLineItemsAreRefused() {
        var sale = Self.basket
        sale.lineItems = Array(repeating: sale.lineItems[0], count: 100)
        #expect(throws: MessageDecodingError.tooManyItems(field: "LINE ITEM", maximum: 99)) {
            try decode(.sale, sale.payload)
        }
    }

    @Test func unknownTypeAndLinkControlAreNotMessages() {
        #expect(throws: MessageDecodingError.unknownMessageType(0x99)) {
            try RegisterMessage(type: 0x99, payload: [])
        }
        #expect(throws: MessageDecodingError.notAMessage(.ack)) {
            try RegisterMessage(type: 0x06, payload: [])
        }
    }

    @Test func longDisplayTextIsCutAtACharacterBoundary() throws {
        let text = String(repeating: "é", count: 100)  // 200 bytes of UTF-8
        let progress = Progress(receipt: "R", stage: .authorizing, message: text)
        guard case .progress(let decoded) = try decode(.progress, progress.payload) else {
            Issue.record("not a progress")
            return
        }
        #expect(decoded.message == String(repeating: "é", count: 64))
    }

    @Test func arbitraryPayloadsNeverCrashTheDecoder() async {
        await propertyCheck(
            count: 500, input: Gen.uint8(in: 0...255), Gen.uint8(in: 0...255).array(of: 0...200)
        ) {
            type, payload in
            _ = try? RegisterMessage(type: type, payload: payload)
        }
    }
}

@Suite struct SaleValidationTests {
    let basket = ProtocolDocumentVectorTests.sale

    @Test func theSeedBasketIsValid() throws {
        let validated = try basket.validated()
        #expect(validated.total == Money(minorUnits: 1155, currency: .jpy))
    }

    @Test func totalMustEqualTheSumOfTheLines() {
        var sale = basket
        sale.total = 1150
        #expect(throws: SaleValidationError.totalMismatch(declared: 1150, sumOfLines: 1155)) {
            try sale.validated()
        }
    }

    @Test func quantityMultipliesTheUnitPrice() throws {
        var sale = basket
        sale.lineItems[0].quantity = 3
        sale.total = 500 * 3 + 25 + 600 + 30
        #expect(try sale.validated().total.minorUnits == 2155)
    }

    @Test func unknownCurrencyIsRefused() {
        var sale = basket
        sale.currencyCode = "XXX"
        #expect(throws: SaleValidationError.unknownCurrency("XXX")) { try sale.validated() }
    }

    @Test func negativeAmountsAreRefused() {
        var sale = basket
        sale.lineItems[1].unitPrice = -600
        #expect(throws: SaleValidationError.negativeAmount(line: 2, field: "UNIT PRICE")) {
            try sale.validated()
        }
        sale = basket
        sale.lineItems[0].tax = -1
        #expect(throws: SaleValidationError.negativeAmount(line: 1, field: "TAX")) { try sale.validated() }
    }

    @Test func zeroQuantityAndZeroTotalAreRefused() {
        var sale = basket
        sale.lineItems[0].quantity = 0
        #expect(throws: SaleValidationError.zeroQuantity(line: 1)) { try sale.validated() }
        sale = Sale(
            receipt: "R", currencyCode: "JPY", total: 0,
            lineItems: [SaleLineItem(code: "FREE", name: "Sample", unitPrice: 0, quantity: 1, tax: 0)])
        #expect(throws: SaleValidationError.totalNotPositive(0)) { try sale.validated() }
    }

    /// Issue 11: ISO 8583 field 4 carries 12 digits, so no larger SALE may become an order.
    @Test func aTotalTheBankCannotCarryIsRefused() throws {
        func sale(_ total: Int64) -> Sale {
            Sale(
                receipt: "R", currencyCode: "JPY", total: total,
                lineItems: [SaleLineItem(code: "CAR", name: "Car", unitPrice: total, quantity: 1, tax: 0)])
        }
        #expect(throws: SaleValidationError.totalTooLarge(1_000_000_000_000)) {
            try sale(1_000_000_000_000).validated()
        }
        #expect(try sale(999_999_999_999).validated().total.minorUnits == 999_999_999_999)
    }

    @Test func overflowIsRefusedNotWrapped() {
        let sale = Sale(
            receipt: "R", currencyCode: "JPY", total: 1,
            lineItems: [SaleLineItem(code: "X", name: "Huge", unitPrice: .max / 2, quantity: 3, tax: 0)])
        #expect(throws: SaleValidationError.overflow) { try sale.validated() }
    }
}

/// TOTALS from a registerd older than REFUND carry no REFUNDED COUNT or AMOUNT: they read as 0.
@Test func totalsWithoutRefundFieldsReadAsNoRefunds() throws {
    var group = FieldWriter<CurrencyTotalsField>()
    group.string(.currency, "JPY")
    group.u32(.approvedCount, 2)
    group.i64(.approvedAmount, 2310)
    group.u32(.voidedCount, 0)
    group.i64(.voidedAmount, 0)
    group.u32(.declinedCount, 1)
    var fields = FieldWriter<Field>()
    fields.group(.currencyTotals, group)
    let message = try RegisterMessage(type: MessageType.totals.rawValue, payload: fields.bytes)
    #expect(
        message
            == .totals(
                Totals(currencies: [
                    CurrencyTotals(
                        currencyCode: "JPY", approvedCount: 2, approvedAmount: 2310, declinedCount: 1)
                ])))
}
