import Foundation
import GRDB
import InStoreCluster
import PostgresTestSupport
import Reconciliation
import Testing

/// Issue 6: a short soak under kill -9 of every process, line damage and bank timeouts must
/// reconcile; and the reconciler must report doctored copies of the same files.
@Suite("Soak: faults with mechanical reconciliation", .serialized)
struct SoakTests {
    @Test("a short soak with two settlementd on one PostgreSQL, either killed, reconciles")
    func twoInstancesOnPostgres() async throws {
        var options = SoakOptions()
        options.sales = 16
        options.seed = 3
        options.killProbability = 0.3
        options.lineFaultProbability = 0.2
        options.bankDropProbability = 0.05
        options.bankSlowProbability = 0
        options.expireProbability = 0.05
        options.abortProbability = 0.1
        options.orderTTLSeconds = 10
        options.store = .postgres
        options.instances = 2
        options.postgresServer = try TestPostgres.serverURL().description
        let soak = try SoakRun(options: options, say: { print($0) })
        let report = try await soak.run()
        for (name, value) in soak.counters { print("  \(name): \(value)") }
        print(report.text)
        #expect(report.held, "\(report.text)")
        let figures = Dictionary(report.figures, uniquingKeysWith: { a, _ in a })
        #expect((figures["journal approved"] ?? 0) > 0, "no sale was paid at the second instance")
        #expect(soak.counter("kill -9 settlementd") > 0, "no instance was killed")
    }

    @Test("a short soak under faults reconciles, and doctored copies of its files are reported as violations")
    func shortSoak() async throws {
        var options = SoakOptions()
        options.sales = 24
        options.seed = 11
        options.killProbability = 0.1
        options.lineFaultProbability = 0.4
        options.bankDropProbability = 0.05
        options.bankSlowProbability = 0
        options.expireProbability = 0.05
        options.abortProbability = 0.1
        options.orderTTLSeconds = 10
        options.keep = true
        let soak = try SoakRun(options: options, say: { print($0) })
        let report = try await soak.run()
        for (name, value) in soak.counters { print("  \(name): \(value)") }
        print(report.text)
        #expect(report.held, "\(report.text)")
        let figures = Dictionary(report.figures, uniquingKeysWith: { a, _ in a })
        #expect((figures["journal approved"] ?? 0) > 0)
        let directory = soak.directory

        #expect((figures["bank captures"] ?? 0) > 0, "the last END OF DAY captured nothing")
        #expect(soak.counter("end of day balanced") >= 1, "no END OF DAY balanced")

        // A hold the bank placed that no authorization of the acquirer asked for: a charge
        // nobody can account for.
        try await Self.doctored(directory, "extra-hold") { files in
            try DatabaseQueue(path: files.bank).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO ledger_entry (at, event, mti, amount, currency, terminal, stan, transmission,
                            response_code, hold_id)
                        VALUES ('2026-01-01T00:00:00Z', 'authorization', '0100', 777, 'JPY', 'PP-ACQ', '999999',
                            '0101000000', '00', 99999)
                        """)
            }
        } expect: { violations in
            violations.contains {
                $0.contains("hold #99999 (held 777) that no authorization of the acquirer placed")
            }
        }
        // Money given back at the bank that nobody refunded: the bank keeps less than the store.
        try await Self.doctored(directory, "stray-refund") { files in
            try DatabaseQueue(path: files.bank).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO ledger_entry (at, event, mti, amount, currency, terminal, stan, transmission,
                            response_code, hold_id)
                        SELECT at, 'refund', '0200', 1, currency, terminal, '999998', transmission, '00', hold_id
                        FROM ledger_entry WHERE event = 'capture' AND response_code = '00' ORDER BY seq LIMIT 1
                        """)
            }
        } expect: { violations in
            violations.contains { $0.contains("kept: registerd") && $0.contains("bank JPY") }
        }
        // An approved sale missing from registerd's journal: an approval that never reached the store.
        try await Self.doctored(directory, "lost-approval") { files in
            let journal = try DatabaseQueue(path: files.journal)
            let settlement = try DatabaseQueue(path: files.settlement)
            let approved = try await settlement.read { db in
                try String.fetchOne(
                    db,
                    sql: "SELECT order_id FROM settlement_order WHERE result LIKE '%\"status\":\"approved\"%'"
                )
            }
            let orderID = try #require(approved)
            try await journal.write { db in
                try db.execute(
                    sql:
                        "DELETE FROM journal_step WHERE transaction_id IN (SELECT id FROM register_transaction WHERE order_id = ?)",
                    arguments: [orderID])
                try db.execute(
                    sql: "DELETE FROM register_transaction WHERE order_id = ?", arguments: [orderID])
            }
        } expect: { violations in
            violations.contains { $0.contains("kept: registerd JPY 0,") }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    struct Files {
        let journal, settlement, acquirer, bank: String
    }

    /// Copies the run's four SQLite files (with their WAL), lets `doctor` change the copy, and
    /// expects the reconciler to report violations that `expect` accepts.
    static func doctored(
        _ directory: String, _ name: String, doctor: (Files) async throws -> Void,
        expect: ([String]) -> Bool
    ) async throws {
        let copy = directory + "/doctored-" + name
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        let names = ["registerd-journal.sqlite", "settlement.sqlite", "acquirer.sqlite", "bank.sqlite"]
        for file in names {
            for suffix in ["", "-wal"]
            where FileManager.default.fileExists(atPath: directory + "/" + file + suffix) {
                try FileManager.default.copyItem(
                    atPath: directory + "/" + file + suffix, toPath: copy + "/" + file + suffix)
            }
        }
        let files = Files(
            journal: copy + "/" + names[0], settlement: copy + "/" + names[1],
            acquirer: copy + "/" + names[2],
            bank: copy + "/" + names[3])
        let sources = ReconciliationSources(
            journals: [.init(lane: InStoreCluster.terminalID, path: files.journal)],
            settlement: files.settlement,
            acquirer: files.acquirer, bank: files.bank)
        let before = SoakReconciler.reconcile(try await LedgerSnapshot.read(sources))
        #expect(before.held, "the undoctored copy (\(name)) must reconcile: \(before.violations)")
        try await doctor(files)
        let after = SoakReconciler.reconcile(try await LedgerSnapshot.read(sources))
        #expect(!after.held, "doctored (\(name)) but no violation reported")
        #expect(expect(after.violations), "doctored (\(name)): \(after.violations)")
    }
}
