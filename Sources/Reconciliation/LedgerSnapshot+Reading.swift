import Acquirer
import BankHost
import Foundation
import GRDB
import Logging
import PairPayCore
import Register
import Settlement
import SettlementPostgres

extension LedgerSnapshot {
    /// Reads every source, read-only: SQLite files through read-only connections (WAL lets them
    /// read a consistent snapshot while the services write), PostgreSQL without migrations.
    /// - Throws: ``ReconciliationError``.
    public static func read(_ sources: ReconciliationSources) async throws -> LedgerSnapshot {
        var journal: [JournalTransaction] = []
        for lane in sources.journals { journal += try readJournal(lane) }
        let orders: [OrderRecord]
        let refunds: [RefundRecord]
        let authorizations: [StoredAuthorization]
        if PostgresURL.isPostgresURL(sources.settlement) {
            (orders, refunds, authorizations) = try await readPostgres(sources.settlement)
        } else {
            guard let acquirer = sources.acquirer else { throw ReconciliationError.acquirerStateRequired }
            (orders, refunds) = try query(sources.settlement) { db in
                (
                    try SQLiteSettlementStore.allOrders(db),
                    try String.fetchAll(db, sql: "SELECT record FROM settlement_refund").map {
                        try RefundRecord.storageDecoder.decode(RefundRecord.self, from: Data($0.utf8))
                    }
                )
            }
            authorizations = try query(acquirer) { db in
                try StoredAuthorization.fetchAll(db, sql: "SELECT * FROM authorization ORDER BY id")
            }
        }
        let merchant = sources.merchantID
        let kept = orders.filter { merchant == nil || $0.merchantID == merchant }
        let orderIDs = Set(kept.map(\.orderID))
        return LedgerSnapshot(
            journal: journal,
            orders: kept.map {
                Order(
                    merchantID: $0.merchantID, orderID: $0.orderID, laneID: $0.laneID,
                    isFinal: $0.state == .final,
                    status: $0.result?.result.status, total: $0.contents?.total ?? $0.result?.result.total,
                    createdAt: $0.createdAt)
            },
            refunds: refunds.filter { merchant == nil || $0.merchantID == merchant }.map {
                Refund(
                    refundID: $0.refundID, orderID: $0.orderID, amount: $0.amount,
                    isFinal: $0.state == .final,
                    approved: $0.result?.refund.status == .approved)
            },
            authorizations: authorizations.filter { merchant == nil || orderIDs.contains($0.orderID) }.map {
                Authorization(
                    orderID: $0.orderID, terminal: $0.terminal, stan: $0.stan, transmission: $0.transmission,
                    amount: $0.amount, state: $0.state)
            },
            bank: try readBank(sources.bank))
    }

    static func readJournal(_ lane: ReconciliationSources.Journal) throws -> [JournalTransaction] {
        guard FileManager.default.fileExists(atPath: lane.path) else {
            throw ReconciliationError.unreadable(lane.path, "no such file")
        }
        let records: [TransactionRecord]
        do { records = try RegisterJournal.readOnlyRecords(path: lane.path) } catch {
            throw ReconciliationError.unreadable(lane.path, error.description)
        }
        // A void or refund names its sale's order; a void's amount is the sale's.
        var sales: [String: TransactionRecord] = [:]
        for record in records {
            if case .sale = record.kind, let order = record.orderID { sales[order] = record }
        }
        return records.map { record in
            let kind: JournalTransaction.Kind
            var total = record.result?.total
            var currency = record.result?.currencyCode
            switch record.kind {
            case .sale(let sale):
                kind = .sale
                total = total ?? sale.total
                currency = currency ?? sale.currencyCode
            case .void(let void):
                kind = .void
                if case .sale(let sale)? = sales[void.orderID]?.kind {
                    total = sale.total
                    currency = sale.currencyCode
                }
            case .refund(let refund):
                kind = .refund
                total = refund.total
                currency = refund.currencyCode
            }
            return JournalTransaction(
                lane: lane.lane, kind: kind, receipt: record.receipt, orderID: record.orderID,
                status: record.result?.status, reason: record.result?.reason, total: total,
                currency: currency,
                createdAt: record.createdAt)
        }
    }

    static func readBank(_ path: String) throws -> [LedgerEntry] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReconciliationError.unreadable(path, "no such file")
        }
        if path.hasSuffix(".json") {
            do {
                return try JSONDecoder().decode(
                    [LedgerEntry].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw ReconciliationError.unreadable(path, "not a banksim ledger export in JSON: \(error)")
            }
        }
        return try query(path) { db in
            try LedgerEntry.fetchAll(db, sql: "SELECT * FROM ledger_entry ORDER BY seq")
        }
    }

    static func readPostgres(
        _ location: String
    ) async throws -> ([OrderRecord], [RefundRecord], [StoredAuthorization]) {
        var logger = Logger(label: "pairpay.reconcile")
        logger.logLevel = .error
        let pool: PostgresPool
        do {
            pool = try await PostgresPool.connect(
                try PostgresURL(location).withPassword(from: ProcessInfo.processInfo.environment),
                maximumConnections: 1, timeout: .seconds(30), logger: logger)
        } catch {
            throw ReconciliationError.unreadable(location, "\(error)")
        }
        defer { pool.close() }
        do {
            let read = try await PostgresReconciliationReader.read(pool)
            return (read.orders, read.refunds, read.authorizations)
        } catch {
            throw ReconciliationError.unreadable(location, "\(error)")
        }
    }

    static func query<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReconciliationError.unreadable(path, "no such file")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: path, configuration: configuration).read(body)
        } catch {
            throw ReconciliationError.unreadable(path, "\(error)")
        }
    }
}
