import Acquirer
import BankHost
import Foundation
import LogCapture
import Logging
import PairPayCore
import PostgresTestSupport
import Settlement
import SettlementPostgres
import Synchronization
import Testing

/// Two engines, each with its own ISO 8583 acquirer, on one PostgreSQL database, as two
/// settlementd instances behind a load balancer; one bank host on loopback TCP.
@Suite("Two instances on one PostgreSQL database")
struct SharedStoreTests {
    /// The bank: one account with room for every order of a test.
    struct Bank {
        let server: BankHostServer
        let ledger: IssuerLedger

        init(directory: URL, logger: Logger, faults: FaultPlan = .none) async throws {
            ledger = try IssuerLedger(path: directory.appendingPathComponent("bank.sqlite").path)
            let book = try AccountBook(accounts: [
                Account(
                    id: "visa-credit", pan: EngineHarness.pan, expiry: "3012", cvc: "123", currency: "JPY",
                    limit: 100_000_000, perTransactionLimit: 50_000)
            ])
            server = try await BankHostServer.start(
                port: 0, issuer: Issuer(accounts: book, ledger: ledger, logger: logger), faults: faults,
                logger: logger)
        }
    }

    /// One settlementd: its own pool, stores, acquirer and engine on the shared database.
    struct Instance {
        let harness: EngineHarness
        let acquirer: ISO8583Acquirer
        let engine: SettlementEngine

        init(
            sharing primary: EngineHarness, bankPort: Int, logger: Logger,
            acquirerStoreOverride: (any AcquirerStore)? = nil, engineAcquirer: (any Acquirer)? = nil
        ) async throws {
            harness = try await EngineHarness(reopening: primary)
            let store = try await PostgresAcquirerStore(database: harness.pool!)
            acquirer = try await ISO8583Acquirer.open(
                configuration: ISO8583AcquirerConfiguration(
                    port: bankPort, storePath: "", responseTimeout: .seconds(15), echoInterval: nil),
                store: acquirerStoreOverride ?? store, logger: logger)
            engine = harness.engine(acquirer: engineAcquirer ?? acquirer, logger: logger)
        }
    }

    /// A fresh database, the bank, and two instances on both.
    static func twoInstances() async throws -> (
        primary: EngineHarness, bank: Bank, a: Instance, b: Instance
    ) {
        let primary = try await EngineHarness(kind: .postgres)
        let logger = quietLogger()
        let bank = try await Bank(directory: primary.directory, logger: logger)
        let a = try await Instance(sharing: primary, bankPort: bank.server.port, logger: logger)
        let b = try await Instance(sharing: primary, bankPort: bank.server.port, logger: logger)
        return (primary, bank, a, b)
    }

    static func quietLogger() -> Logger {
        var logger = Logger(label: "test.shared")
        logger.logLevel = .warning
        return logger
    }

    @Test("each order is authorized once, whichever instance gets which request, and no STAN repeats")
    func pairsAcrossInstances() async throws {
        let (primary, bank, a, b) = try await Self.twoInstances()
        let orders = 96
        let busy = BusyCount()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<orders {
                if index >= 16 { try await group.next() }
                group.addTask {
                    let order = "SH-\(index)"
                    let (storeSide, phoneSide) = index % 2 == 0 ? (a, b) : (b, a)
                    // Every fourth order: the phone's request reaches both instances at once (a retry
                    // through the load balancer), racing the store's request.
                    async let first = Self.submitFirst(order, to: storeSide.engine, busy: busy)
                    async let second = Self.submitSecond(order, to: phoneSide.engine, busy: busy)
                    async let repeated: Void =
                        index % 4 == 0 ? Self.submitSecond(order, to: storeSide.engine, busy: busy) : ()
                    _ = try await (first, second, repeated)
                }
            }
            try await group.waitForAll()
        }
        for index in 0..<orders {
            let view = try await a.engine.order("SH-\(index)", merchantID: EngineHarness.merchant)
            #expect(view.result?.result.status == .approved, "order SH-\(index): \(view.state)")
        }
        let authorizations = try await a.acquirer.store.authorizations()
        let perOrder = Dictionary(grouping: authorizations, by: \.orderID).mapValues(\.count)
        #expect(perOrder.count == orders)
        #expect(perOrder.values.allSatisfy { $0 == 1 }, "an order was authorized more than once")
        #expect(Set(authorizations.map(\.stan)).count == authorizations.count, "a STAN was reused")
        let holds = try bank.ledger.activeHolds()
        #expect(holds.count == orders)
        #expect(holds.reduce(0) { $0 + $1.amount } == Int64(orders) * 1155)
        await a.acquirer.shutdown()
        await b.acquirer.shutdown()
        await bank.server.stop()
    }

    /// Both instances run their maintenance at once (as each settlementd's MaintenanceService
    /// does): every overdue order is expired once, with one result and one `expired` step in its
    /// audit trail, and the history purge of both together takes each final order once.
    @Test("expiry and the history purge, run by both instances at once, act on each order once")
    func maintenanceOnBothInstances() async throws {
        let (primary, bank, a, b) = try await Self.twoInstances()
        let orders = 40
        for index in 0..<orders {
            let engine = index % 2 == 0 ? a.engine : b.engine
            _ = try await engine.submitFirst(
                try EngineHarness.first(order: "MX-\(index)", expires: 30), merchantID: EngineHarness.merchant
            )
        }
        primary.clock.advance(31)
        async let expiredByA = a.engine.expireOverdue()
        async let expiredByB = b.engine.expireOverdue()
        #expect(await expiredByA + expiredByB == orders)
        for index in 0..<orders {
            let view = try await a.engine.order("MX-\(index)", merchantID: EngineHarness.merchant)
            #expect(view.result?.result.status == .expired)
            let trail = try await primary.store.auditTrail(
                merchantID: EngineHarness.merchant, orderID: "MX-\(index)")
            #expect(
                trail.filter { $0.event.contains("expired") }.count == 1, "MX-\(index): \(trail.map(\.event))"
            )
        }
        primary.clock.advance(86_400)
        async let purgedByA = a.engine.purgeHistory(olderThan: 3_600)
        async let purgedByB = b.engine.purgeHistory(olderThan: 3_600)
        #expect(try await purgedByA + purgedByB == orders)
        for index in 0..<orders {
            #expect(
                try await primary.store.order(merchantID: EngineHarness.merchant, orderID: "MX-\(index)")
                    == nil)
        }
        #expect(try bank.ledger.entries().isEmpty, "an expired order reached the bank")
        await a.acquirer.shutdown()
        await b.acquirer.shutdown()
        await bank.server.stop()
    }

    /// Sends the store's request; `busy` (lost every race) is counted, not failed: the caller retries.
    static func submitFirst(_ order: String, to engine: SettlementEngine, busy: BusyCount) async throws {
        do {
            _ = try await engine.submitFirst(
                try EngineHarness.first(order: order), merchantID: EngineHarness.merchant)
        } catch let error as SettlementError where error.isBusy {
            busy.count.withLock { $0 += 1 }
            _ = try await engine.submitFirst(
                try EngineHarness.first(order: order), merchantID: EngineHarness.merchant)
        }
    }

    static func submitSecond(_ order: String, to engine: SettlementEngine, busy: BusyCount) async throws {
        do {
            _ = try await engine.submitSecond(
                try EngineHarness.second(order: order), userID: EngineHarness.user)
        } catch let error as SettlementError where error.isBusy {
            busy.count.withLock { $0 += 1 }
            _ = try await engine.submitSecond(
                try EngineHarness.second(order: order), userID: EngineHarness.user)
        }
    }

    @Test(
        "an order abandoned mid-authorization by a dead instance is resolved by the other, never authorized twice"
    )
    func takeOverAfterTheDeadline() async throws {
        let primary = try await EngineHarness(kind: .postgres)
        let logger = Self.quietLogger()
        let bank = try await Bank(directory: primary.directory, logger: logger)
        // Instance A "dies" while the bank is being asked: its acquirer never returns.
        let hanging = HangingAcquirer()
        let a = try await Instance(
            sharing: primary, bankPort: bank.server.port, logger: logger, engineAcquirer: hanging)
        let b = try await Instance(sharing: primary, bankPort: bank.server.port, logger: logger)
        _ = try await b.engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let stuck = Task {
            try? await a.engine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        }
        for _ in 0..<500 where !hanging.called.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(hanging.called.withLock { $0 })

        // Before the deadline B leaves it alone: A may still be waiting for the bank.
        #expect(await b.engine.recoverInterruptedAuthorizations(.overdue) == 0)
        #expect(try await b.engine.order("PP-1", merchantID: EngineHarness.merchant).state == .authorizing)
        // After it (the harnesses share one test clock), B resolves it without authorizing.
        primary.clock.advance(61)
        #expect(await b.engine.recoverInterruptedAuthorizations(.overdue) == 1)
        let view = try await b.engine.order("PP-1", merchantID: EngineHarness.merchant)
        #expect(view.result?.result.status == .declined && view.result?.result.reason == .reversed)
        #expect(try await b.acquirer.store.authorizations().isEmpty, "the bank was asked again")
        let trail = try await b.harness.store.auditTrail(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(trail.contains { $0.event.contains("taken over") })
        stuck.cancel()
        await a.acquirer.shutdown()
        await b.acquirer.shutdown()
        await bank.server.stop()
    }

    @Test("a slow instance's approval that lands after another took the order over is reversed")
    func lateApprovalIsReversed() async throws {
        let primary = try await EngineHarness(kind: .postgres)
        let logger = Self.quietLogger()
        let bank = try await Bank(directory: primary.directory, logger: logger)
        let b = try await Instance(sharing: primary, bankPort: bank.server.port, logger: logger)
        let aHarness = try await EngineHarness(reopening: primary)
        let aAcquirer = try await ISO8583Acquirer.open(
            configuration: ISO8583AcquirerConfiguration(
                port: bank.server.port, storePath: "", echoInterval: nil),
            store: try await PostgresAcquirerStore(database: aHarness.pool!), logger: logger)
        let gated = GatedAcquirer(inner: aAcquirer)
        let aEngine = aHarness.engine(acquirer: gated, logger: logger)

        _ = try await b.engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let slow = Task {
            try await aEngine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        }
        for _ in 0..<500 where !gated.called.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        primary.clock.advance(61)
        #expect(await b.engine.recoverInterruptedAuthorizations(.overdue) == 1)
        gated.open()  // A's request reaches the bank now and is approved
        let answer = try await slow.value
        #expect(answer?.result.reason == .reversed, "A reported what B decided")
        let view = try await b.engine.order("PP-1", merchantID: EngineHarness.merchant)
        #expect(view.result?.result.status == .declined && view.result?.result.reason == .reversed)
        let authorizations = try await b.acquirer.store.authorizations()
        #expect(authorizations.count == 1)
        #expect(authorizations.first?.state == "reversed")
        #expect(try bank.ledger.activeHolds().isEmpty, "the late approval's hold was left at the bank")
        await aAcquirer.shutdown()
        await b.acquirer.shutdown()
        await bank.server.stop()
    }
}

extension SharedStoreTests {
    @Test(
        "an order whose bank request is still out waits; the approval its dead instance left is then reversed"
    )
    func approvalLeftByADeadInstanceIsReversed() async throws {
        let primary = try await EngineHarness(kind: .postgres)
        let logger = Self.quietLogger()
        // The bank answers after 6 s, so the request is still out when B first looks.
        let bank = try await Bank(
            directory: primary.directory, logger: logger,
            faults: FaultPlan(rules: [FaultRule(.delay(milliseconds: 6000))]))
        let b = try await Instance(sharing: primary, bankPort: bank.server.port, logger: logger)
        let aHarness = try await EngineHarness(reopening: primary)
        let aAcquirer = try await ISO8583Acquirer.open(
            configuration: ISO8583AcquirerConfiguration(
                port: bank.server.port, storePath: "", responseTimeout: .seconds(20), echoInterval: nil),
            store: try await PostgresAcquirerStore(database: aHarness.pool!), logger: logger)
        // A records the bank's approval, then "dies" before its order is finished.
        let dying = DiesAfterTheBankAnswers(inner: aAcquirer)
        let aEngine = aHarness.engine(acquirer: dying, logger: logger)

        _ = try await b.engine.submitFirst(try EngineHarness.first(), merchantID: EngineHarness.merchant)
        let stuck = Task {
            try? await aEngine.submitSecond(try EngineHarness.second(), userID: EngineHarness.user)
        }
        // Wait (up to 20 s on a loaded machine) until A's request is recorded and out.
        var out = false
        for _ in 0..<2000 {
            if try await b.acquirer.store.authorizations().first?.state == "sent" {
                out = true
                break
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(out, "A's request never went out")
        primary.clock.advance(61)
        let firstPass = await b.engine.recoverInterruptedAuthorizations(.overdue)
        let trail = try await b.harness.store.auditTrail(merchantID: EngineHarness.merchant, orderID: "PP-1")
        #expect(firstPass == 0, "finished while the request was out: \(trail.map(\.event))")
        #expect(try await b.engine.order("PP-1", merchantID: EngineHarness.merchant).state == .authorizing)
        for _ in 0..<3000 where !dying.answered.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await b.acquirer.store.authorizations().first?.state == "approved")
        #expect(try bank.ledger.activeHolds().count == 1)

        primary.clock.advance(16)
        #expect(await b.engine.recoverInterruptedAuthorizations(.overdue) == 1)
        let view = try await b.engine.order("PP-1", merchantID: EngineHarness.merchant)
        #expect(view.result?.result.status == .declined && view.result?.result.reason == .reversed)
        #expect(try await b.acquirer.store.authorizations().first?.state == "reversed")
        #expect(try bank.ledger.activeHolds().isEmpty, "the dead instance's approval was left at the bank")
        stuck.cancel()
        await aAcquirer.shutdown()
        await b.acquirer.shutdown()
        await bank.server.stop()
    }
}

/// Passes an authorization to the bank, then never returns: an instance killed right after the
/// acquirer recorded the answer.
final class DiesAfterTheBankAnswers: Acquirer {
    let inner: any Acquirer
    let answered = Mutex(false)

    init(inner: any Acquirer) { self.inner = inner }

    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        _ = try await inner.authorize(request)
        answered.withLock { $0 = true }
        return await withUnsafeContinuation { _ in }  // never resumed
    }

    func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome {
        try await inner.reverse(request)
    }
}

/// An acquirer that holds every authorization until ``open()``, then passes it on: an instance
/// that is alive but slower than its deadline.
final class GatedAcquirer: Acquirer {
    let inner: any Acquirer
    let called = Mutex(false)
    private let gate = Mutex<(isOpen: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    init(inner: any Acquirer) { self.inner = inner }

    func open() {
        let waiting = gate.withLock { state in
            state.isOpen = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func authorize(_ request: AuthorizationRequest) async throws -> AuthorizationOutcome {
        called.withLock { $0 = true }
        await withCheckedContinuation { continuation in
            let resumeNow = gate.withLock { state in
                if state.isOpen { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return try await inner.authorize(request)
    }

    func reverse(_ request: ReversalRequest) async throws -> ReversalOutcome {
        try await inner.reverse(request)
    }
}

/// How many requests lost every race and got `busy` (then were sent again).
final class BusyCount: Sendable {
    let count = Mutex(0)
}
