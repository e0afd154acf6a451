import Foundation
import GRDB
import Register
import RegisterProtocol
import Settlement

/// What the four durable files of a run say, read after the processes stopped: registerd's
/// journal, the settlement store, the acquirer's authorizations and the bank's holds and ledger.
/// Card numbers never appear: the files keep last four digits or masked numbers only.
public struct SoakLedgers: Sendable {
    /// A sale in registerd's journal.
    public struct JournalSale: Sendable, Equatable {
        public var receipt: String
        public var orderID: String?
        /// `approved`, `declined`, `expired`, `cancelled`, `error`; nil while the sale is open.
        public var status: String?
        public var total: Int64?
        public var approvalCode: String?
    }

    /// An order in the settlement store.
    public struct SettlementOrder: Sendable, Equatable {
        public var orderID: String
        /// `awaiting-second`, `awaiting-first`, `authorizing` or `final`.
        public var state: String
        /// The final result's status, once final.
        public var status: String?
        public var total: Int64?
        public var approvalCode: String?
    }

    /// An authorization the acquirer sent (or was about to send) to the bank.
    public struct AcquirerAuthorization: Sendable, Equatable {
        public var orderID: String
        public var terminal: String
        public var stan: String
        public var transmission: String
        public var amount: Int64
        public var state: String
    }

    /// A hold the bank placed: an approved authorization (response 00), `active` or `released`.
    public struct BankHold: Sendable, Equatable {
        public var terminal: String
        public var stan: String
        public var transmission: String
        public var rrn: String
        public var amount: Int64
        public var approvalCode: String
        public var status: String
    }

    public var journal: [JournalSale]
    public var orders: [SettlementOrder]
    public var authorizations: [AcquirerAuthorization]
    public var holds: [BankHold]
    /// Ledger lines: authorizations answered 00 with a hold.
    public var bankApprovals: Int
    /// Ledger lines: reversals.
    public var bankReversals: Int

    /// Reads the four files (the processes must have stopped, or at least not be writing); the
    /// settlement and acquirer state may instead be one PostgreSQL database (their URL).
    /// - Throws: ``SoakError/unreadable(_:_:)`` when a file is missing or not what it should be.
    public static func read(
        journal journalPath: String, settlement settlementPath: String, acquirer acquirerPath: String,
        bank bankPath: String
    ) async throws -> SoakLedgers {
        let journal = try readJournal(journalPath)
        if isPostgres(settlementPath) {
            let (orders, authorizations) = try await readPostgres(settlementPath)
            return try withBank(bankPath, journal: journal, orders: orders, authorizations: authorizations)
        }
        let orders = try query(settlementPath) { db in
            try String.fetchAll(db, sql: "SELECT record FROM settlement_order ORDER BY order_id").map {
                record -> SettlementOrder in
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .secondsSince1970
                let order = try decoder.decode(OrderRecord.self, from: Data(record.utf8))
                return SettlementOrder(
                    orderID: order.orderID, state: order.state.rawValue,
                    status: order.result?.result.status.rawValue,
                    total: order.result?.result.total.minorUnits,
                    approvalCode: order.result?.result.approvalCode)
            }
        }
        let authorizations = try query(acquirerPath) { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT order_id, terminal, stan, transmission, amount, state FROM authorization ORDER BY id"
            ).map {
                AcquirerAuthorization(
                    orderID: $0["order_id"], terminal: $0["terminal"], stan: $0["stan"],
                    transmission: $0["transmission"], amount: $0["amount"], state: $0["state"])
            }
        }
        return try withBank(bankPath, journal: journal, orders: orders, authorizations: authorizations)
    }

    /// The bank's holds and ledger, with the other three parties' records.
    static func withBank(
        _ bankPath: String, journal: [JournalSale], orders: [SettlementOrder],
        authorizations: [AcquirerAuthorization]
    ) throws -> SoakLedgers {
        let (holds, approvals, reversals) = try query(bankPath) { db in
            let holds = try Row.fetchAll(
                db,
                sql:
                    "SELECT terminal, stan, transmission, rrn, amount, approval_code, status FROM hold ORDER BY id"
            ).map {
                BankHold(
                    terminal: $0["terminal"], stan: $0["stan"], transmission: $0["transmission"],
                    rrn: $0["rrn"],
                    amount: $0["amount"], approvalCode: $0["approval_code"], status: $0["status"])
            }
            let approvals =
                try Int.fetchOne(
                    db,
                    sql:
                        "SELECT COUNT(*) FROM ledger_entry WHERE event = 'authorization' AND response_code = '00' AND hold_id IS NOT NULL"
                ) ?? 0
            let reversals =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE event = 'reversal'") ?? 0
            return (holds, approvals, reversals)
        }
        return SoakLedgers(
            journal: journal, orders: orders, authorizations: authorizations, holds: holds,
            bankApprovals: approvals, bankReversals: reversals)
    }

    static func readJournal(_ path: String) throws -> [JournalSale] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SoakError.unreadable(path, "no such file")
        }
        do {
            return try RegisterJournal(path: path).load().records.compactMap { record in
                guard case .sale = record.kind else { return nil }
                return JournalSale(
                    receipt: record.receipt, orderID: record.orderID, status: record.result?.status.name,
                    total: record.result?.total, approvalCode: record.result?.approvalCode)
            }
        } catch {
            throw SoakError.unreadable(path, "\(error)")
        }
    }

    static func query<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SoakError.unreadable(path, "no such file")
        }
        do {
            return try DatabaseQueue(path: path).read(body)
        } catch {
            throw SoakError.unreadable(path, "\(error)")
        }
    }
}
