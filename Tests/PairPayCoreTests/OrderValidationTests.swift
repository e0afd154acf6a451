import Foundation
import PairPayCore
import Testing

@Suite struct OrderValidationTests {
    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func totalMustBeTheSumOfTheLines() {
        let json =
            #"{"merchantId":"M1","orderId":"O1","currency":"JPY","total":1000,"lineItems":[{"code":"A","name":"x","unitPrice":500,"quantity":1,"tax":25}]}"#
        #expect(throws: OrderValidationError.totalMismatch(expected: 525, got: 1000)) {
            try decode(OrderContents.self, json)
        }
    }

    @Test func fieldsAreCheckedWithTheirNames() {
        let cases: [(String, OrderValidationError)] = [
            (
                #"{"merchantId":"M 1","orderId":"O1","currency":"JPY","total":0,"lineItems":[{"code":"A","name":"x","unitPrice":0,"quantity":1,"tax":0}]}"#,
                .invalidField("merchantId", "must be 1–32 characters from A–Z a–z 0–9 - . _ ~ (not . or ..)")
            ),
            (
                #"{"merchantId":"M1","orderId":"ACC-a/b","currency":"JPY","total":1,"lineItems":[{"code":"A","name":"x","unitPrice":1,"quantity":1,"tax":0}]}"#,
                .invalidField("orderId", "must be 1–64 characters from A–Z a–z 0–9 - . _ ~ (not . or ..)")
            ),
            (
                #"{"merchantId":"M1","orderId":"..","currency":"JPY","total":1,"lineItems":[{"code":"A","name":"x","unitPrice":1,"quantity":1,"tax":0}]}"#,
                .invalidField("orderId", "must be 1–64 characters from A–Z a–z 0–9 - . _ ~ (not . or ..)")
            ),
            (
                #"{"merchantId":"M1","orderId":"O1","currency":"JPY","total":1000000000000,"lineItems":[{"code":"A","name":"x","unitPrice":1000000000000,"quantity":1,"tax":0}]}"#,
                .invalidField(
                    "total",
                    "must be 1 to 999999999999 minor units (ISO 8583 field 4 carries 12 digits), got 1000000000000"
                )
            ),
            (
                #"{"merchantId":"M1","orderId":"O1","currency":"JPY","total":0,"lineItems":[{"code":"A","name":"x","unitPrice":0,"quantity":1,"tax":0}]}"#,
                .invalidField(
                    "total",
                    "must be 1 to 999999999999 minor units (ISO 8583 field 4 carries 12 digits), got 0")
            ),
            (
                #"{"merchantId":"M1","orderId":"O1","currency":"jpy","total":0,"lineItems":[]}"#,
                .unknownCurrency("jpy")
            ),
            (
                #"{"merchantId":"M1","orderId":"O1","currency":"JPY","total":0,"lineItems":[]}"#,
                .invalidField("lineItems", "must hold 1 to 99 items, got 0")
            ),
            (
                #"{"merchantId":"M1","orderId":"O1","currency":"JPY","total":0,"lineItems":[{"code":"A","name":"x","unitPrice":0,"quantity":0,"tax":0}]}"#,
                .invalidField("quantity", "must be 1 or more")
            ),
            (
                #"{"merchantId":"M1","orderId":"O1","currency":"JPY","total":0,"lineItems":[{"code":"A","name":"x","unitPrice":9223372036854775807,"quantity":2,"tax":0}]}"#,
                .amountOverflow
            ),
        ]
        for (json, expected) in cases {
            #expect(throws: expected) { try decode(OrderContents.self, json) }
        }
    }

    @Test func jsonRoundTripKeepsTheContractShape() throws {
        let contents = try OrderFixtures.contents()
        let first = try FirstSettlementRequest(
            orderID: contents.orderID, contents: contents, expiresInSeconds: 60)
        let data = try JSONEncoder().encode(first)
        #expect(try JSONDecoder().decode(FirstSettlementRequest.self, from: data) == first)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["orderId", "contents", "expiresInSeconds"])
        #expect(throws: OrderValidationError.invalidField("orderId", "must equal contents.orderId")) {
            try FirstSettlementRequest(orderID: "other", contents: contents)
        }
    }

    @Test func secondRequestNeedsContentsOrDigestAndValidCard() throws {
        let base = #""merchantId":"M1","orderId":"O1","currency":"JPY","total":525"#
        #expect(throws: OrderValidationError.missingField("contents or contentsDigest (one of the two)")) {
            try decode(SecondSettlementRequest.self, "{\(base),\"payment\":{\"vaultReference\":\"vr_1\"}}")
        }
        let digest = String(repeating: "a", count: 64)
        let badLuhn =
            "{\(base),\"contentsDigest\":\"\(digest)\",\"payment\":{\"card\":{\"pan\":\"4111111111111112\",\"expiry\":\"3012\",\"cvc\":\"123\"}}}"
        do {
            _ = try decode(SecondSettlementRequest.self, badLuhn)
            Issue.record("bad Luhn accepted")
        } catch let error as OrderValidationError {
            #expect(!error.description.contains("4111111111111112"))
            #expect(error.description.contains("Luhn"))
        }
        let good =
            "{\(base),\"contentsDigest\":\"\(digest)\",\"payment\":{\"card\":{\"pan\":\"4111111111111111\",\"expiry\":\"3012\",\"cvc\":\"123\"}}}"
        let request = try decode(SecondSettlementRequest.self, good)
        #expect(!request.description.contains("4111111111111111"))
        #expect(
            try JSONDecoder().decode(SecondSettlementRequest.self, from: JSONEncoder().encode(request))
                == request)
        #expect(
            throws: OrderValidationError.invalidField(
                "payment", "must hold exactly one of \"card\" or \"vaultReference\"")
        ) {
            try decode(
                SecondSettlementRequest.self, "{\(base),\"contentsDigest\":\"\(digest)\",\"payment\":{}}")
        }
    }
}

@Suite struct SettlementJSONTests {
    @Test func decodingErrorsNameTheField() {
        #expect(throws: OrderValidationError.missingField("contents.lineItems[0].tax")) {
            try SettlementJSON.decode(
                FirstSettlementRequest.self,
                from: Data(
                    #"{"orderId":"O1","contents":{"merchantId":"M1","orderId":"O1","currency":"JPY","total":1,"lineItems":[{"code":"A","name":"x","unitPrice":1,"quantity":1}]}}"#
                        .utf8))
        }
        #expect(throws: OrderValidationError.invalidField("orderId", "must be of JSON type string")) {
            try SettlementJSON.decode(FirstSettlementRequest.self, from: Data(#"{"orderId":5}"#.utf8))
        }
        #expect(throws: OrderValidationError.self) {
            try SettlementJSON.decode(FirstSettlementRequest.self, from: Data("not json".utf8))
        }
    }
}
