import BankHost
import ISO8583
import Testing

/// Each response code, asked over real TCP on loopback.
@Suite struct IssuerDecisionTests {
    @Test(arguments: [
        ("approved", Messages.authorization(stan: "000001"), "00"),
        ("unknown card", Messages.authorization(pan: "6011111111111117", stan: "000002"), "14"),
        ("fails Luhn", Messages.authorization(pan: "4111111111111112", stan: "000003"), "14"),
        ("blocked", Messages.authorization(pan: "4000000000000002", stan: "000004"), "05"),
        ("wrong currency", Messages.authorization(stan: "000005", currency: "840"), "05"),
        (
            "over balance",
            Messages.authorization(
                pan: "5555555555554444", amount: 3001, stan: "000006", expiry: "3006", cvc: "456"), "51"
        ),
        (
            "expired card", Messages.authorization(pan: "4000000000000069", stan: "000007", expiry: "2001"),
            "54"
        ),
        ("wrong expiry", Messages.authorization(stan: "000008", expiry: "3011"), "54"),
        ("wrong CVC", Messages.authorization(stan: "000009", cvc: "999"), "N7"),
        ("over per-transaction limit", Messages.authorization(amount: 50_001, stan: "000010"), "61"),
    ])
    func responseCode(_ name: String, _ request: ISOMessage, _ expected: String) async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let reply = try #require(try await RawClient.ask(request, port: bank.server.port))
        #expect(reply.mti == .authorizationResponse)
        #expect(reply[.responseCode] == expected, "\(name)")
        #expect(reply[.systemTraceAuditNumber] == request[.systemTraceAuditNumber])
        #expect((reply[.approvalCode] != nil) == (expected == "00"))
        #expect(try bank.ledger.activeHolds().count == (expected == "00" ? 1 : 0))
    }

    @Test func missingMandatoryFieldIsFormatError() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        var request = Messages.authorization(stan: "000011")
        request[.expirationDate] = nil
        let reply = try #require(try await RawClient.ask(request, port: bank.server.port))
        #expect(reply[.responseCode] == "30")
    }

    @Test func holdsReduceWhatIsAvailable() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let debit = { (stan: String) in
            Messages.authorization(
                pan: "5555555555554444", amount: 2000, stan: stan, expiry: "3006", cvc: "456")
        }
        #expect(try await RawClient.ask(debit("000020"), port: bank.server.port)?[.responseCode] == "00")
        #expect(try await RawClient.ask(debit("000021"), port: bank.server.port)?[.responseCode] == "51")
        let reversal = Messages.reversal(of: debit("000020"), stan: "000022")
        let reversed = try #require(try await RawClient.ask(reversal, port: bank.server.port))
        #expect(reversed.mti == .reversalResponse)
        #expect(reversed[.responseCode] == "00")
        #expect(try await RawClient.ask(debit("000023"), port: bank.server.port)?[.responseCode] == "00")
        #expect(try bank.ledger.activeHolds().map(\.stan) == ["000023"])
    }

    @Test(arguments: [("301", "00"), ("001", "00"), ("002", "00"), ("999", "30")])
    func networkManagement(code: String, expected: String) async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        var request = ISOMessage(mti: .networkManagementRequest)
        request[.transmissionDateTime] = "0612153000"
        request[.systemTraceAuditNumber] = "000001"
        request[.networkManagementCode] = code
        let reply = try #require(try await RawClient.ask(request, port: bank.server.port))
        #expect(reply.mti == .networkManagementResponse)
        #expect(reply[.responseCode] == expected)
        #expect(reply[.networkManagementCode] == code)
    }
}
