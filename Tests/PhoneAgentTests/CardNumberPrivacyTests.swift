import Foundation
import PairPayCore
import PhoneAgent
import Testing

/// The card number never shows in anything the agent prints or describes: only its last four.
@Suite("PhoneAgent: the card number stays private")
struct CardNumberPrivacyTests {
    static let pan = AgentFixture.pan

    func shown(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped]
    }

    @Test func descriptionsDumpsAndOutcomesShowAtMostTheLastFour() async throws {
        let fixture = try AgentFixture([])
        fixture.transport.enqueue([.respond(200, try fixture.signedBody())])
        let wallet = try Wallet(
            json: Data(#"{"cards":[{"name":"visa","pan":"\#(Self.pan)","expiry":"3012","cvc":"123"}]}"#.utf8))
        let card = try wallet.card(named: "visa")
        let outcome = try await fixture.agent.pay(fixture.payload, with: card.instrument)
        let request = try #require(fixture.transport.requests.first)
        // The body must carry it (the server charges it) …
        #expect(String(decoding: request.body, as: UTF8.self).contains(Self.pan))
        // … and nothing printable does.
        var texts: [String] = []
        for value: Any in [
            wallet, card, request, outcome, outcome.resultLine, fixture.agent.configuration.authentication,
        ] {
            texts += shown(value)
        }
        texts += OrderPresentation(fixture.payload).lines
        texts.append(try outcome.relayText())
        for text in texts {
            #expect(!text.contains(Self.pan), "card number in: \(text)")
            #expect(!text.contains("411111"), "card digits in: \(text)")
        }
        #expect(card.description == "visa ****1111")
        #expect(outcome.resultLine.contains("****1111"))
        // The MAC key is not shown either.
        #expect(!shown(fixture.agent.configuration.authentication).joined().contains("7, 7, 7"))
    }

    @Test func errorsNeverCarryTheNumber() throws {
        let errors: [PhoneAgentError] = [
            .invalidCard(
                name: "visa", .panFailsLuhnCheck(masked: PrimaryAccountNumber.mask("4111111111111112"))),
            .invalidWallet(path: "w.json", problem: "x"),
            .refused(
                status: 400, code: "invalid-request", message: "card number 411111******1111 is not accepted"),
        ]
        for error in errors { #expect(!error.description.contains("4111111111111112")) }
    }
}
