import BankHost
import Foundation
import ISO8583
import Testing

@Suite struct DuplicateAndReversalTests {
    let codec = ISO8583Codec()

    @Test func duplicateIsAnsweredIdenticallyWithoutSecondHold() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let request = try codec.encode(Messages.authorization(stan: "000100"))
        let client = try await RawClient.connect(port: bank.server.port)
        let replies = try await client.exchange([request, request], replies: 2)
        #expect(replies.count == 2)
        #expect(replies[0] == replies[1])
        // The repeat MTI 0101 of the same request is a duplicate too.
        var repeated = Messages.authorization(stan: "000100")
        repeated.mti = .authorizationRequestRepeat
        let third = try await RawClient.ask(repeated, port: bank.server.port)
        #expect(try third.map(codec.encode) == replies[0])
        #expect(try bank.ledger.activeHolds().count == 1)
        #expect(try bank.ledger.entries().count == 1)
    }

    @Test func reusedKeyWithDifferentContentIs94() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        _ = try await RawClient.ask(Messages.authorization(stan: "000101"), port: bank.server.port)
        let other = Messages.authorization(amount: 9999, stan: "000101")
        #expect(try await RawClient.ask(other, port: bank.server.port)?[.responseCode] == "94")
        #expect(try bank.ledger.activeHolds().map(\.amount) == [1155])
    }

    @Test func reversalAndItsRepeatReleaseOnce() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let auth = Messages.authorization(stan: "000200")
        _ = try await RawClient.ask(auth, port: bank.server.port)
        #expect(try bank.ledger.activeHolds().count == 1)
        let first = try await RawClient.ask(
            Messages.reversal(of: auth, stan: "000201"), port: bank.server.port)
        var repeatMessage = Messages.reversal(of: auth, stan: "000201", repeat: true)
        repeatMessage[.transmissionDateTime] = "0612153215"
        let second = try await RawClient.ask(repeatMessage, port: bank.server.port)
        #expect(first?[.responseCode] == "00")
        #expect(second?[.responseCode] == "00")
        #expect(second?.mti == .reversalResponse)
        #expect(try bank.ledger.activeHolds().isEmpty)
        #expect(try bank.ledger.allHolds().map(\.status) == ["released"])
    }

    @Test func reversalBeforeItsOriginalPreventsTheHold() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let auth = Messages.authorization(stan: "000300")
        let reversal = try await RawClient.ask(
            Messages.reversal(of: auth, stan: "000301"), port: bank.server.port)
        #expect(reversal?[.responseCode] == "25")
        let late = try await RawClient.ask(auth, port: bank.server.port)
        #expect(late?[.responseCode] == "05")
        #expect(try bank.ledger.activeHolds().isEmpty)
    }

    @Test func ledgerSurvivesRestartAndDuplicatesStillMatch() async throws {
        let bank = try await TestBank.start()
        let auth = Messages.authorization(stan: "000400")
        let before = try #require(try await RawClient.ask(auth, port: bank.server.port))
        let restarted = try await bank.restarted()
        defer { Task { await restarted.server.stop() } }
        let after = try #require(try await RawClient.ask(auth, port: restarted.server.port))
        #expect(try codec.encode(after) == codec.encode(before))
        #expect(try restarted.ledger.activeHolds().count == 1)
        let pragmas = try restarted.ledger.durabilitySettings()
        #expect(pragmas.journalMode == "wal")
        #expect(pragmas.synchronous == 2)  // FULL
    }

    @Test func exportHasMaskedPANsOnly() async throws {
        let bank = try await TestBank.start()
        defer { Task { await bank.server.stop() } }
        let auth = Messages.authorization(stan: "000500")
        _ = try await RawClient.ask(auth, port: bank.server.port)
        _ = try await RawClient.ask(Messages.reversal(of: auth, stan: "000501"), port: bank.server.port)
        let csv = try LedgerExport.render(bank.ledger.entries(), as: .csv)
        let json = try LedgerExport.render(bank.ledger.entries(), as: .json)
        #expect(csv.split(separator: "\n").count == 3)
        #expect(csv.contains("authorization,0100,visa-credit,411111******1111,1155,JPY"))
        #expect(csv.contains("reversal,0400"))
        for text in [csv, json, bank.logs.text] {
            #expect(!text.contains("4111111111111111"))
        }
        #expect(bank.logs.text.contains("answered"))
    }
}
