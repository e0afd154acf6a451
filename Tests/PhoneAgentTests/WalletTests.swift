import Foundation
import PairPayCore
import PhoneAgent
import Testing

/// The wallet file and other secret files: mode 0600 or stricter, cards picked by name.
@Suite("PhoneAgent: wallet and secret files")
struct WalletTests {
    static let json = #"""
        {"cards":[{"name":"visa","pan":"4111111111111111","expiry":"3012","cvc":"123"},
        {"name":"other","pan":"5555555555554444","expiry":"2901"}]}
        """#

    func file(_ text: String, mode: Int) throws -> String {
        let path = NSTemporaryDirectory() + "phoneagent-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func aWalletOthersMayReadIsRefusedWithTheChmodToRun() throws {
        let path = try file(Self.json, mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Wallet.load(path: path)
            Issue.record("a world-readable wallet was read")
        } catch {
            #expect(error == .secretFileTooOpen(path: path, mode: 0o644))
            #expect(error.description.contains("chmod 600 \(path)"))
            #expect(error.description.contains("0644"))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        #expect(throws: PhoneAgentError.secretFileTooOpen(path: path, mode: 0o640)) {
            try Wallet.load(path: path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        #expect(try Wallet.load(path: path).cards.count == 2)
    }

    @Test func cardsArePickedByNameOrTheFirst() throws {
        let path = try file(Self.json, mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let wallet = try Wallet.load(path: path)
        #expect(try wallet.card(named: nil).name == "visa")
        #expect(try wallet.card(named: "other").lastFour == "4444")
        #expect(try wallet.card(named: "other").card.securityCode == nil)
        #expect(throws: PhoneAgentError.cardNotFound("amex", available: ["visa", "other"])) {
            try wallet.card(named: "amex")
        }
    }

    @Test func brokenWalletsSayWhatIsWrongWithoutTheNumber() throws {
        let badLuhn = #"{"cards":[{"name":"visa","pan":"4111111111111112","expiry":"3012"}]}"#
        do {
            _ = try Wallet(json: Data(badLuhn.utf8))
            Issue.record("a card failing the Luhn check was taken")
        } catch {
            #expect(error.description.contains("visa"))
            #expect(!error.description.contains("4111111111111112"))
        }
        #expect(throws: PhoneAgentError.invalidWallet(path: "wallet", problem: "cards[0].expiry is missing"))
        {
            try Wallet(json: Data(#"{"cards":[{"name":"visa","pan":"4111111111111111"}]}"#.utf8))
        }
        #expect(throws: PhoneAgentError.invalidWallet(path: "wallet", problem: "it holds no cards")) {
            try Wallet(json: Data(#"{"cards":[]}"#.utf8))
        }
        #expect(throws: PhoneAgentError.self) { try Wallet(json: Data("4111111111111111".utf8)) }
    }

    @Test func keyAndPasswordFilesAreCheckedToo() throws {
        let open = try file("0707", mode: 0o604)
        let key = try file(String(repeating: "ab", count: 32) + "\n", mode: 0o600)
        let password = try file("correct horse\nignored\n", mode: 0o600)
        let notHex = try file("zz\n", mode: 0o600)
        defer {
            for path in [open, key, password, notHex] { try? FileManager.default.removeItem(atPath: path) }
        }
        #expect(throws: PhoneAgentError.secretFileTooOpen(path: open, mode: 0o604)) {
            try SecretFile.hexKey(open)
        }
        #expect(try SecretFile.hexKey(key) == Array(repeating: 0xAB, count: 32))
        #expect(try SecretFile.password(password) == "correct horse")
        #expect(throws: PhoneAgentError.self) { try SecretFile.hexKey(notHex) }
        #expect(throws: PhoneAgentError.fileUnreadable(path: "/nonexistent/key")) {
            try SecretFile.hexKey("/nonexistent/key")
        }
    }
}
