import Acquirer
import BankHost
import Foundation
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
    let logs: Logs

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "acquirer-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logs = Logs()
    }

    var bankPath: String { directory.appendingPathComponent("bank.sqlite").path }
    var acquirerPath: String { directory.appendingPathComponent("acquirer.sqlite").path }

    func startBank(faults: FaultPlan = .none, port: Int = 0) async throws -> (BankHostServer, IssuerLedger) {
        let ledger = try IssuerLedger(path: bankPath)
        let book = try AccountBook(accounts: Link.accounts.filter { $0.id != "disc-other" })
        let issuer = Issuer(accounts: book, ledger: ledger, logger: logs.logger("bank"))
        return (
            try await BankHostServer.start(
                port: port, issuer: issuer, faults: faults, logger: logs.logger("bank")), ledger
        )
    }

    func acquirer(port: Int, responseTimeout: Duration = .seconds(10)) throws -> ISO8583Acquirer {
        try ISO8583Acquirer(
            configuration: ISO8583AcquirerConfiguration(
                port: port, storePath: acquirerPath, responseTimeout: responseTimeout, echoInterval: nil),
            logger: logs.logger("acquirer"))
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

/// In-memory log lines.
final class Logs: Sendable {
    let lines = Mutex<[String]>([])

    func logger(_ label: String) -> Logger {
        Logger(label: label) { _ in Handler(logs: self) }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let logs: Logs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            logs.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}
