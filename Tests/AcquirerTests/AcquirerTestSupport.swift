import Acquirer
import BankHost
import Foundation
import LogCapture
import Logging
import PairPayCore
import Synchronization

/// A bank host on loopback plus an acquirer connected to it, each with its own temp SQLite file.
struct Link {
    static let accounts = [
        Account(
            id: "visa-credit", pan: "4111111111111111", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 100_000,
            perTransactionLimit: 50_000),
        Account(
            id: "mc-debit", pan: "5555555555554444", expiry: "3006", cvc: "456", currency: "JPY", limit: 3000),
        Account(
            id: "visa-expired", pan: "4000000000000069", expiry: "2001", cvc: "123", currency: "JPY",
            limit: 1000),
        Account(
            id: "visa-blocked", pan: "4000000000000002", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 1000,
            blocked: true),
        Account(
            id: "visa-faulty", pan: "4242424242424242", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 100_000),
        Account(
            id: "disc-other", pan: "6011000990139424", expiry: "3012", cvc: "123", currency: "JPY",
            limit: 100_000),
    ]

    let directory: URL
    let logs: CapturedLog

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "acquirer-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logs = CapturedLog()
    }

    var bankPath: String { directory.appendingPathComponent("bank.sqlite").path }
    var acquirerPath: String { directory.appendingPathComponent("acquirer.sqlite").path }

    func startBank(faults: FaultPlan = .none, port: Int = 0) async throws -> (BankHostServer, IssuerLedger) {
        let ledger = try IssuerLedger(path: bankPath)
        let book = try AccountBook(accounts: Link.accounts.filter { $0.id != "disc-other" })
        let issuer = Issuer(accounts: book, ledger: ledger, logger: logs.logger(label: "bank"))
        return (
            try await BankHostServer.start(
                port: port, issuer: issuer, faults: faults, logger: logs.logger(label: "bank")), ledger
        )
    }

    func acquirer(port: Int, responseTimeout: Duration = .seconds(10)) async throws -> ISO8583Acquirer {
        try await ISO8583Acquirer.open(
            configuration: ISO8583AcquirerConfiguration(
                port: port, storePath: acquirerPath, responseTimeout: responseTimeout, echoInterval: nil),
            logger: logs.logger(label: "acquirer"))
    }

    static func request(
        pan: String = "4111111111111111", expiry: String = "3012", cvc: String? = "123", amount: Int64 = 1155,
        order: String = "order-1"
    ) throws -> AuthorizationRequest {
        AuthorizationRequest(
            merchantID: "MERCHANT0000042", terminalID: "TERM0001", orderID: order,
            amount: Money(minorUnits: amount, currency: .jpy),
            card: CardData(
                primaryAccountNumber: try PrimaryAccountNumber(pan), expiry: try CardExpiry(yymm: expiry),
                securityCode: try cvc.map { try CardSecurityCode($0) }))
    }
}
