import BankHost
import ISO8583
import Testing

@Suite struct FaultInjectionTests {
    @Test func droppedResponseStillHolds() async throws {
        let bank = try await TestBank.start(
            faults: FaultPlan(rules: [FaultRule(.dropResponse, accountIDs: ["visa-faulty"])]))
        defer { Task { await bank.server.stop() } }
        let faulty = Messages.authorization(pan: "4242424242424242", amount: 500, stan: "000001")
        #expect(try await RawClient.ask(faulty, port: bank.server.port, wait: .milliseconds(500)) == nil)
        #expect(try bank.ledger.activeHolds().map(\.accountID) == ["visa-faulty"])
        // Other cards are not affected.
        #expect(
            try await RawClient.ask(Messages.authorization(stan: "000002"), port: bank.server.port)?[
                .responseCode] == "00")
    }

    @Test func closedConnectionAndGarbledReply() async throws {
        let bank = try await TestBank.start(faults: FaultPlan(rules: [FaultRule(.closeConnection)]))
        defer { Task { await bank.server.stop() } }
        let client = try await RawClient.connect(port: bank.server.port)
        let replies = try await client.exchange(
            [try ISO8583Codec().encode(Messages.authorization(stan: "000003"))], replies: 1)
        #expect(replies.isEmpty)

        let garbling = try await TestBank.start(faults: FaultPlan(rules: [FaultRule(.garbleReply)]))
        defer { Task { await garbling.server.stop() } }
        let raw = try await RawClient.connect(port: garbling.server.port)
        let garbled = try await raw.exchange(
            [try ISO8583Codec().encode(Messages.authorization(stan: "000004"))], replies: 1)
        #expect(garbled.count == 1)
        #expect(throws: ISO8583Error.self) { try ISO8583Codec().decode(garbled[0]) }
    }

    @Test func issuerUnavailableIs91WithoutHold() async throws {
        let bank = try await TestBank.start(faults: FaultPlan(rules: [FaultRule(.issuerUnavailable)]))
        defer { Task { await bank.server.stop() } }
        #expect(
            try await RawClient.ask(Messages.authorization(stan: "000005"), port: bank.server.port)?[
                .responseCode] == "91")
        #expect(try bank.ledger.activeHolds().isEmpty)
    }

    @Test func probabilitiesAreRepeatableWithASeed() {
        let rules = [FaultRule(.dropResponse, probability: 0.5)]
        let first = FaultPlan(rules: rules, seed: 42)
        let second = FaultPlan(rules: rules, seed: 42)
        let a = (0..<64).map { _ in first.draw(accountID: "x") }
        let b = (0..<64).map { _ in second.draw(accountID: "x") }
        #expect(a == b)
        #expect(a.contains([]))
        #expect(a.contains([.dropResponse]))
    }
}
