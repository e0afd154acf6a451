import Foundation
import GRDB
import PairPayCore
import PostgresNIO
import PostgresTestSupport
import Testing

@testable import Settlement
@testable import SettlementPostgres

/// Issue 14: an order is stored a column per field, its nested values as JSON each, and an update
/// encodes and writes only the nested values set since the order was read. Both stores, and the
/// migrations that move orders stored as one JSON record into the columns.
@Suite struct OrderColumnsTests {
    /// Orders in every state with every field the state can carry. Dates are whole seconds, so
    /// PostgreSQL's microseconds hold them exactly.
    static func orders() throws -> [OrderRecord] {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let merchant = EngineHarness.merchant
        let contents = try EngineHarness.contents(order: "COL-2")

        var waitingForStore = OrderRecord(
            merchantID: merchant, orderID: "COL-1", state: .awaitingFirst, expiresAt: at + 120, createdAt: at)
        waitingForStore.claim = try OrderClaim(
            merchantID: merchant, orderID: "COL-1", total: contents.total, contents: nil,
            contentsDigest: contents.contentsDigest)
        waitingForStore.userID = EngineHarness.user
        waitingForStore.secondFingerprint = "second-fingerprint"
        waitingForStore.sealedPendingCard = Data([0, 1, 2, 254, 255])
        waitingForStore.cardLast4 = "1111"

        var waitingForPhone = OrderRecord(
            merchantID: merchant, orderID: "COL-2", state: .awaitingSecond, expiresAt: at + 300, createdAt: at
        )
        waitingForPhone.contents = contents
        waitingForPhone.requestedExpirySeconds = 300
        waitingForPhone.firstFingerprint = "first-fingerprint"
        waitingForPhone.laneID = "lane-2"

        var authorizing = OrderRecord(
            merchantID: merchant, orderID: "COL-3", state: .authorizing, expiresAt: at + 300, createdAt: at)
        authorizing.contents = try EngineHarness.contents(order: "COL-3", peanutQuantity: 3)
        authorizing.claim = try OrderClaim(
            merchantID: merchant, orderID: "COL-3", total: authorizing.contents!.total,
            contents: authorizing.contents, contentsDigest: nil)
        authorizing.recoverAfter = at + 30
        authorizing.updatedAt = at + 2

        var final = OrderRecord(
            merchantID: merchant, orderID: "COL-4", state: .final, expiresAt: at + 300, createdAt: at)
        final.contents = try EngineHarness.contents(order: "COL-4")
        final.firstFingerprint = "first"
        final.claim = try OrderClaim(
            merchantID: merchant, orderID: "COL-4", total: final.contents!.total, contents: nil,
            contentsDigest: final.contents!.contentsDigest)
        final.userID = "user-2"
        final.secondFingerprint = "second"
        final.cardLast4 = "4242"
        final.authorization = AuthorizationReference(id: 9_000_000_001)
        final.result = SignedSettlementResult(
            result: try SettlementResult(
                resultID: "res_col4", merchantID: merchant, orderID: "COL-4", status: .approved,
                reason: .approved, total: final.contents!.total, approvalCode: "A1B2C3", cardLast4: "4242",
                decidedAt: 1_790_000_005),
            keyID: "server-2026", signature: "c2lnbmF0dXJl")
        final.updatedAt = at + 5
        return [waitingForStore, waitingForPhone, authorizing, final].map {
            var order = $0
            order.markSaved()
            return order
        }
    }

    @Test(arguments: StoreKind.allCases)
    func everyFieldOfEveryStateComesBackAsStored(kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        for order in try Self.orders() {
            #expect(order.unsavedParts == [])
            try await harness.store.insert(order, event: "test")
            let loaded = try #require(
                try await harness.store.order(merchantID: order.merchantID, orderID: order.orderID))
            #expect(loaded == order)
            #expect(loaded.contents == order.contents && loaded.claim == order.claim)
            #expect(loaded.result == order.result && loaded.authorization == order.authorization)
            #expect(loaded.sealedPendingCard == order.sealedPendingCard)
            #expect(loaded.unsavedParts == [], "a record read from its store has nothing unsaved")
        }
    }

    @Test func settingANestedValueMarksItUnsavedUntilSaved() throws {
        var order = try Self.orders()[1]
        order.state = .authorizing
        order.recoverAfter = Date()
        #expect(order.unsavedParts == [], "scalars are always written; only nested values are marked")
        order.claim = try Self.orders()[2].claim
        order.result = try Self.orders()[3].result
        #expect(order.unsavedParts == [.claim, .result])
        var other = order
        other.markSaved()
        #expect(other == order, "the marks are not part of the order's value")
        #expect(other.unsavedParts == [])
    }

    /// The stored contents are rewritten by hand (same value, other bytes): an update that sets only
    /// the result leaves them byte for byte, so they were neither encoded nor written again.
    @Test(arguments: StoreKind.allCases)
    func anUpdateWritesOnlyTheNestedValuesThatChanged(kind: StoreKind) async throws {
        let harness = try await EngineHarness(kind: kind)
        let waiting = try Self.orders()[1]
        try await harness.store.insert(waiting, event: "test")
        let json = try #require(try StoredOrderColumns.json(waiting.contents))
        let handWritten = "  " + json + "\n"
        try await setContents(handWritten, of: waiting, in: harness)

        var order = try #require(
            try await harness.store.order(merchantID: waiting.merchantID, orderID: waiting.orderID))
        #expect(order == waiting, "the hand-written contents decode to the same value")
        order.state = .final
        order.result = try Self.orders()[3].result
        order.laneID = nil
        order.updatedAt = order.updatedAt + 9
        #expect(order.unsavedParts == [.result])
        try await harness.store.update(order, from: .awaitingSecond, event: "test: final")

        #expect(try await storedColumn("contents", of: waiting, in: harness) == handWritten)
        #expect(
            try await storedColumn("result", of: waiting, in: harness)
                == StoredOrderColumns.json(order.result))
        var expected = order
        expected.version += 1
        let reloaded = try await harness.store.order(merchantID: waiting.merchantID, orderID: waiting.orderID)
        #expect(reloaded == expected, "the scalars (lane cleared, state, time) are written every time")
        #expect(reloaded?.laneID == nil)
    }

    @Test func sqliteMigrationMovesRecordsIntoColumns() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("order-columns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("settlement.sqlite").path
        let orders = try Self.orders().enumerated().map { index, order in
            var order = order
            order.version = Int64(index * 2)
            return order
        }
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSettlementStore.migrator.migrate(queue, upTo: "v7-batches")
            try await queue.write { db in
                for order in orders {
                    let record = String(decoding: try OrderRecord.storageEncoder.encode(order), as: UTF8.self)
                    try db.execute(
                        sql: """
                            INSERT INTO settlement_order
                                (merchant_id, order_id, state, expires_at, updated_at, recover_after, version, record)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            order.merchantID, order.orderID, order.state.rawValue,
                            order.expiresAt.timeIntervalSince1970, order.updatedAt.timeIntervalSince1970,
                            order.recoverAfter?.timeIntervalSince1970, order.version, record,
                        ])
                }
            }
        }
        // A reader that migrates nothing (reconciliation) reads the old layout as it is.
        let before = try await DatabaseQueue(path: path).read { db in try SQLiteSettlementStore.allOrders(db)
        }
        #expect(before == orders)
        let store = try SQLiteSettlementStore(path: path, passwordHasher: .fastForTests)
        #expect(
            try await DatabaseQueue(path: path).read { db in try SQLiteSettlementStore.allOrders(db) }
                == orders)
        for order in orders {
            #expect(try await store.order(merchantID: order.merchantID, orderID: order.orderID) == order)
        }
        let columns = try await DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "PRAGMA table_info(settlement_order)").map { $0["name"] as String }
        }
        #expect(!columns.contains("record") && columns.contains("contents") && columns.contains("created_at"))
    }

    @Test func postgresMigrationMovesRecordsIntoColumns() async throws {
        let pool = try await TestPostgres.freshDatabase()
        defer { pool.close() }
        let all = PostgresSettlementStore.migrator.migrations
        let before = try #require(all.firstIndex { $0.name == "v7-order-columns" })
        try await PostgresMigrator(name: "settlement", migrations: Array(all[..<before])).migrate(pool)
        let orders = try Self.orders().enumerated().map { index, order in
            var order = order
            order.version = Int64(index * 2)
            return order
        }
        for order in orders {
            let record = String(decoding: try OrderRecord.storageEncoder.encode(order), as: UTF8.self)
            _ = try await pool.query(
                """
                INSERT INTO settlement_order
                    (merchant_id, order_id, state, expires_at, updated_at, recover_after, version, record)
                VALUES (\(order.merchantID), \(order.orderID), \(order.state.rawValue), \(order.expiresAt),
                    \(order.updatedAt), \(order.recoverAfter), \(order.version), \(record))
                """)
        }
        // A reader that migrates nothing (reconciliation) reads the old layout as it is.
        #expect(try await PostgresSettlementStore.allOrders(pool) == orders)
        let store = try await PostgresSettlementStore(database: pool, passwordHasher: .fastForTests)
        for order in orders {
            #expect(try await store.order(merchantID: order.merchantID, orderID: order.orderID) == order)
        }
        #expect(try await store.allOrders() == orders)
        let columns = try await pool.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'settlement_order'"
        ).map { try $0.decode(String.self) }
        #expect(!columns.contains("record") && columns.contains("contents") && columns.contains("created_at"))
    }

    func setContents(_ text: String, of order: OrderRecord, in harness: EngineHarness) async throws {
        switch harness.kind {
        case .sqlite:
            try await DatabaseQueue(path: harness.databasePath).write { db in
                try db.execute(
                    sql: "UPDATE settlement_order SET contents = ? WHERE merchant_id = ? AND order_id = ?",
                    arguments: [text, order.merchantID, order.orderID])
            }
        case .postgres:
            _ = try await harness.pool!.query(
                """
                UPDATE settlement_order SET contents = \(text)
                WHERE merchant_id = \(order.merchantID) AND order_id = \(order.orderID)
                """)
        }
    }

    func storedColumn(
        _ column: String, of order: OrderRecord, in harness: EngineHarness
    ) async throws -> String? {
        switch harness.kind {
        case .sqlite:
            return try await DatabaseQueue(path: harness.databasePath).read { db in
                try String.fetchOne(
                    db, sql: "SELECT \(column) FROM settlement_order WHERE merchant_id = ? AND order_id = ?",
                    arguments: [order.merchantID, order.orderID])
            }
        case .postgres:
            return try await harness.pool!.query(
                """
                SELECT \(unescaped: column) FROM settlement_order
                WHERE merchant_id = \(order.merchantID) AND order_id = \(order.orderID)
                """
            ).first?.decode(String?.self)
        }
    }
}
