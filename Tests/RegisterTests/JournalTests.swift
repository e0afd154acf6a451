import Foundation
import GRDB
import RegisterLinkTestSupport
import RegisterProtocol
import Testing

@testable import Register

@Suite(.serialized) struct JournalTests {
    static func temporaryJournalPath() -> String {
        NSTemporaryDirectory() + "registerd-journal-\(UUID().uuidString).sqlite"
    }

    @Test func theJournalIsDurableAndRoundTrips() throws {
        let path = Self.temporaryJournalPath()
        let journal = try RegisterJournal(path: path)
        #expect(try journal.synchronousSetting() == 2)  // FULL
        var log = try TransactionLog(journal: journal)
        let sale = RegisterServiceHarness.basket
        try log.append(
            TransactionRecord(kind: .sale(sale), receipt: sale.receipt, orderID: "PP-1-A", period: 1))
        try log.markNewestRegistered()
        let result = TransactionResult(
            receipt: sale.receipt, orderID: "PP-1-A", status: .approved, reason: "approved",
            currencyCode: "JPY",
            total: 1155, approvalCode: "A1", cardLast4: "1111")
        try log.completeNewest(with: result)
        try log.closePeriod()

        let reopened = try TransactionLog(journal: RegisterJournal(path: path))
        #expect(reopened.period == 2)
        #expect(reopened.records.count == 1)
        let record = try #require(reopened.records.first)
        #expect(record.kind == .sale(sale) && record.result == result && record.registered)
        #expect(
            try RegisterJournal(path: path).steps(of: try #require(record.journalID)) == [
                "opened", "registered", "completed",
            ])
    }

    /// A journal written before refunds (schema v1, whose CHECK admits only sales and voids) is
    /// upgraded in place: its transactions and their steps are kept, and refunds can be journaled.
    @Test func aJournalFromBeforeRefundsIsUpgradedKeepingEverything() throws {
        let path = Self.temporaryJournalPath()
        let sale = RegisterServiceHarness.basket
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1');
                    CREATE TABLE totals_period (id INTEGER PRIMARY KEY CHECK (id = 1), number INTEGER NOT NULL);
                    INSERT INTO totals_period (id, number) VALUES (1, 3);
                    CREATE TABLE register_transaction (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL CHECK (kind IN ('sale', 'void')),
                        receipt TEXT NOT NULL, order_id TEXT, request BLOB NOT NULL, period INTEGER NOT NULL,
                        registered INTEGER NOT NULL DEFAULT 0, result BLOB, created_at REAL NOT NULL,
                        completed_at REAL);
                    CREATE TABLE journal_step (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        transaction_id INTEGER NOT NULL REFERENCES register_transaction(id),
                        at REAL NOT NULL, step TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
                    """)
            try db.execute(
                sql: """
                    INSERT INTO register_transaction (id, kind, receipt, order_id, request, period, registered, created_at)
                    VALUES (7, 'sale', ?, 'PP-OLD-1', ?, 3, 1, 0)
                    """,
                arguments: [sale.receipt, Data(sale.payload)])
            try db.execute(sql: "INSERT INTO journal_step (transaction_id, at, step) VALUES (7, 0, 'opened')")
        }
        try old.close()

        let journal = try RegisterJournal(path: path)
        var log = try TransactionLog(journal: journal)
        #expect(log.period == 3 && log.records.map(\.journalID) == [7])
        #expect(log.records.first?.kind == .sale(sale))
        #expect(try journal.steps(of: 7) == ["opened"])
        let refund = Refund(receipt: "F-1", orderID: "PP-OLD-1", currencyCode: "JPY", total: 100)
        try log.append(
            TransactionRecord(kind: .refund(refund), receipt: "F-1", orderID: "PP-OLD-1", period: 3))
        let reopened = try TransactionLog(journal: RegisterJournal(path: path))
        #expect(reopened.records.last?.kind == .refund(refund))
    }

    /// A journal the GRDB-based journal wrote (its migrator recorded every migration) opens on the
    /// C API unchanged: nothing is migrated again, its transactions and steps are read, and the
    /// connection is WAL at FULL.
    @Test func aJournalWrittenThroughGRDBOpensUnchanged() throws {
        let path = Self.temporaryJournalPath()
        let sale = RegisterServiceHarness.basket
        var migrator = DatabaseMigrator()
        for migration in RegisterJournal.migrations {
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sql) }
        }
        let old = try DatabaseQueue(path: path)
        try migrator.migrate(old)
        try old.write { db in
            try db.execute(sql: "UPDATE totals_period SET number = 4")
            try db.execute(
                sql: """
                    INSERT INTO register_transaction (id, kind, receipt, order_id, request, period, registered, created_at)
                    VALUES (3, 'sale', ?, 'PP-GRDB-1', ?, 4, 1, 1700000000.5)
                    """,
                arguments: [sale.receipt, Data(sale.payload)])
            try db.execute(sql: "INSERT INTO journal_step (transaction_id, at, step) VALUES (3, 0, 'opened')")
        }
        try old.close()

        let journal = try RegisterJournal(path: path)
        #expect(try journal.journalMode() == "wal" && journal.synchronousSetting() == 2)
        let (records, period) = try journal.load()
        #expect(period == 4 && records.map(\.journalID) == [3])
        #expect(records.first?.kind == .sale(sale) && records.first?.orderID == "PP-GRDB-1")
        #expect(records.first?.createdAt == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(try journal.steps(of: 3) == ["opened"])
        let applied = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(applied == RegisterJournal.migrations.map(\.identifier).sorted())
    }

    /// A write that fails leaves nothing of itself: completing a transaction twice is refused, and
    /// the refused write's step is not journaled.
    @Test func aRefusedWriteLeavesNothing() throws {
        let path = Self.temporaryJournalPath()
        let journal = try RegisterJournal(path: path)
        let sale = RegisterServiceHarness.basket
        let id = try journal.insert(
            TransactionRecord(kind: .sale(sale), receipt: sale.receipt, orderID: "PP-1", period: 1))
        let result = TransactionResult(
            receipt: sale.receipt, orderID: "PP-1", status: .declined, reason: "declined",
            currencyCode: "JPY",
            total: 1155)
        try journal.complete(id, with: result)
        #expect(throws: RegisterJournalError.failed("transaction \(id) is already complete")) {
            try journal.complete(id, with: result)
        }
        #expect(try journal.steps(of: id) == ["opened", "completed"])
        #expect(try journal.load().records.first?.result == result)
        #expect(try RegisterJournal.readOnlyRecords(path: path).count == 1)
    }

    @Test func aCorruptOrUnwritableJournalIsRefusedClearly() throws {
        #expect(throws: RegisterJournalError.self) {
            try RegisterJournal(path: "/nonexistent-dir/journal.sqlite")
        }
        let path = Self.temporaryJournalPath()
        try Data("this is not a database, just some text long enough to be a header".utf8).write(
            to: URL(fileURLWithPath: path))
        #expect(throws: RegisterJournalError.self) { try RegisterJournal(path: path) }
    }

    @Test func aRestartedServiceRemembersResultsAndNeverChargesAReceiptTwice() async throws {
        let path = Self.temporaryJournalPath()
        let first = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        let payment = try await first.startSale()
        first.gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let result = try await first.register.nextResult()
        try await first.register.send(.totalsRequest(TotalsRequest(closePeriod: false)))
        _ = try await first.register.nextReply()
        await first.stop()

        let second = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        #expect(try await second.status() == StatusReply(completed: result))
        try await second.register.send(.sale(RegisterServiceHarness.basket))
        #expect(try await second.register.nextReply() == .result(result))
        #expect(second.gateway.registered.isEmpty)
        try await second.register.send(.totalsRequest(TotalsRequest(closePeriod: true)))
        guard case .totals(let totals) = try await second.register.nextReply() else {
            Issue.record("expected TOTALS")
            return
        }
        #expect(totals.currencies.first?.approvedAmount == 1155)
        await second.stop()
    }

    @Test func anOpenSaleIsResumedAfterACrashAndItsOutcomeLearnt() async throws {
        let path = Self.temporaryJournalPath()
        let first = try await RegisterServiceHarness(journal: RegisterJournal(path: path))
        let payment = try await first.startSale()
        await first.stop()  // registerd goes away with the sale open

        // While registerd was down the customer paid; the server knows the outcome.
        let gateway = ScriptedSettlementGateway()
        gateway.complete(payment.orderID, with: RegisterServiceHarness.approved)
        let second = try await RegisterServiceHarness(gateway: gateway, journal: RegisterJournal(path: path))
        // The resumed sale shows its payment request again; STATUS reports it once the outcome is in.
        var status = StatusReply(state: .none)
        let deadline = ContinuousClock.now + .seconds(20)
        while status.state != .completed && ContinuousClock.now < deadline {
            try await second.register.send(.statusRequest(StatusRequest()))
            let reply = try await second.register.next(where: { if case .status = $0 { true } else { false } }
            )
            if case .status(let reported) = reply { status = reported }
            if status.state != .completed { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(status.state == .completed && status.status == .approved)
        #expect(status.orderID == payment.orderID)
        #expect(gateway.registered.map(\.orderID) == [payment.orderID])  // same order, not a new one
        await second.stop()
    }
}
