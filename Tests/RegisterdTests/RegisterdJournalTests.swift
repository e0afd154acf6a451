import Foundation
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// registerd as a process with a journal, killed with SIGKILL and started again.
@Suite struct RegisterdJournalTests {
    func start(_ register: FakeRegister, journal: String) throws -> Process {
        guard let path = BuiltExecutable.path("registerd") else {
            throw BuiltExecutableError.missing("registerd")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [
            "--device", register.devicePath, "--journal", journal, "--terminal-id", "PP-KILL-9",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func aKilledRegisterdStillKnowsItsTransactions() async throws {
        let journal = NSTemporaryDirectory() + "registerd-kill-\(UUID().uuidString).sqlite"
        let register = try FakeRegister()
        let sale = Sale(
            receipt: "R-KILL-1", currencyCode: "JPY", total: 1155,
            lineItems: [
                SaleLineItem(
                    code: "4901234567894", name: "Peanut butter", unitPrice: 500, quantity: 1, tax: 25),
                SaleLineItem(
                    code: "4909876543210", name: "Grape jelly", unitPrice: 600, quantity: 1, tax: 30),
            ])

        let first = try start(register, journal: journal)
        try await register.send(.sale(sale), attempts: 20)
        let result = try await register.nextResult()
        #expect(result.reason == "settlement-not-configured")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)

        try register.replug()
        let second = try start(register, journal: journal)
        defer {
            second.terminate()
            second.waitUntilExit()
        }
        try await register.send(.statusRequest(StatusRequest()), attempts: 20)
        #expect(try await register.nextReply() == .status(StatusReply(completed: result)))
        try await register.send(.sale(sale))
        #expect(try await register.nextReply() == .result(result))
        try await register.send(.totalsRequest(TotalsRequest(closePeriod: false)))
        #expect(
            try await register.nextReply()
                == .totals(Totals(currencies: [CurrencyTotals(currencyCode: "JPY", declinedCount: 1)])))
    }
}
