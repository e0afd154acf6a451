import ISO8583
import Testing

@Suite struct MaskingTests {
    @Test func descriptionMasksPANAndHidesExpiryAndCVC() throws {
        let vector = Vector.all.first { $0.fields["t"] == "0100" }!
        let message = try vector.message()
        let text = message.description
        #expect(!text.contains("4111111111111111"))
        #expect(text.contains("411111******1111"))
        #expect(!text.contains("2812"))
        #expect(!text.contains("[48: 737]"))
        #expect(text.contains("[14: <redacted>]"))
        #expect("\(message)" == text)
        #expect(String(reflecting: message) == text)
    }

    @Test func maskingNeverShowsMoreThanSixAndFour() {
        #expect(ISOMessage.maskedPAN("6011000990139424000") == "601100*********4000")
        #expect(ISOMessage.maskedPAN("123456789012") == "********9012")
        #expect(ISOMessage.maskedPAN("1234") == "****")
    }

    @Test func mtiArithmetic() throws {
        #expect(MessageTypeIndicator.reversalRequestRepeat.response == .reversalResponse)
        #expect(MessageTypeIndicator.reversalAdviceRepeat.response == .reversalAdviceResponse)
        #expect(MessageTypeIndicator.reversalRequest.repeated == .reversalRequestRepeat)
        #expect(MessageTypeIndicator.reversalRequestRepeat.original == .reversalRequest)
        #expect(MessageTypeIndicator.authorizationResponse.isResponse)
        #expect(!MessageTypeIndicator.authorizationRequest.isResponse)
        #expect(throws: ISO8583Error.invalidMTI("01000")) { try MessageTypeIndicator("01000") }
    }
}
