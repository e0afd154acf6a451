import Foundation
import GRDB
import RegisterLinkTestSupport
import RegisterProtocol

extension SoakRun {
    /// The next new message from registerd within `timeout` (nil: none), ACKs withheld while a
    /// line fault says so. STATUS replies and RESULTs are recorded as what the register learnt.
    func next(within timeout: Duration) async throws -> RegisterMessage? {
        guard let register else { return nil }
        if let window = withholdAcks {
            withholdAcks = nil
            register.line.acknowledges = false
            await register.line.listen(for: window)
            register.line.acknowledges = true
        }
        let message: RegisterMessage
        do {
            message = try await register.line.next(within: timeout, "a reply from registerd")
        } catch is FakeRegisterError {
            return nil
        }
        switch message {
        case .result(let result):
            known[result.receipt] =
                known[result.receipt]
                ?? SoakRegisterOutcome(
                    status: result.status.name, orderID: result.orderID, approvalCode: result.approvalCode,
                    via: "RESULT")
        case .status(let status):
            if let receipt = status.receipt, let result = status.status {
                let outcome = SoakRegisterOutcome(
                    status: result.name, orderID: status.orderID, approvalCode: status.approvalCode,
                    via: "STATUS")
                statusOutcomes[receipt, default: []].append(outcome)
                known[receipt] = known[receipt] ?? outcome
            }
        default: break
        }
        return message
    }

    /// Reads the line until the register knows how `receipt` ended, asking STATUS after 5 s of
    /// silence (T_resp), printing progress every 10 s; nil when `within` passed (looked once more).
    func awaitOutcome(_ receipt: String, within limit: Duration) async throws -> SoakRegisterOutcome? {
        let start = ContinuousClock.now
        let deadline = start + limit
        var lastHeard = start
        var lastProgress = start
        while known[receipt] == nil {
            if let message = try await next(within: .seconds(1)) {
                if case .progress = message {} else { lastHeard = .now }
                if case .progress = message, ContinuousClock.now - lastHeard < .seconds(5) { continue }
            }
            if known[receipt] != nil { break }
            let now = ContinuousClock.now
            if now - lastHeard >= .seconds(5) {
                await askStatus()
                lastHeard = now
            }
            if now - lastProgress >= .seconds(10) {
                lastProgress = now
                say(
                    "[\(elapsed)] \(receipt): still waiting for the outcome (\((now - start).components.seconds) s)"
                )
            }
            if now >= deadline {
                // Look once more: a reply that came in time must not be missed by a slow loop.
                while try await next(within: .milliseconds(10)) != nil {}
                break
            }
        }
        return known[receipt]
    }

    /// After the last sale: the bank without faults, then waits (with a deadline) until no order
    /// is being authorized, every reversal is acknowledged and registerd's journal has no open
    /// sale; then the register asks again for every sale whose outcome it did not learn.
    func settle() async throws {
        say(
            "[\(elapsed)] all sales rung up; restarting the bank without faults and letting the system settle"
        )
        cluster.bank?.kill9()
        try await cluster.startBank(port: cluster.bankPort)
        let deadline = ContinuousClock.now + .seconds(options.orderTTLSeconds + 90)
        var lastProgress = ContinuousClock.now
        while true {
            let pending = try await pendingWork()
            if pending.isEmpty { break }
            if ContinuousClock.now >= deadline {
                say("[\(elapsed)] still pending at the deadline: \(pending)")
                count("still pending after settling")
                break
            }
            if ContinuousClock.now - lastProgress >= .seconds(5) {
                lastProgress = .now
                say("[\(elapsed)] settling: \(pending)")
            }
            _ = try await next(within: .milliseconds(500))
        }
        for receipt in sales.keys.sorted() where known[receipt] == nil {
            guard let sale = sales[receipt] else { continue }
            say("[\(elapsed)] \(receipt): asking again (the same SALE is answered from the journal)")
            count("sales asked again at the end")
            do {
                try await register?.send(.sale(sale))
            } catch {
                count("frames not acknowledged")
            }
            if let outcome = try await awaitOutcome(receipt, within: .seconds(30)) {
                count("learnt at the end: \(outcome.status)")
            } else {
                count("never learnt")
            }
        }
        for receipt in refunds.keys.sorted() where known[receipt] == nil || known[receipt]?.status == "error"
        {
            guard let refund = refunds[receipt] else { continue }
            known[receipt] = nil
            count("refunds asked again at the end")
            do { try await register?.send(.refund(refund)) } catch { count("frames not acknowledged") }
            if let outcome = try await awaitOutcome(receipt, within: .seconds(60)) {
                count("refund learnt at the end: \(outcome.status)")
            } else {
                count("refund never learnt")
            }
        }
        await register?.line.listen(for: .seconds(1))
        say("[\(elapsed)] line: \(register?.line.receivedNaks ?? 0) NAKs from registerd")
        count("NAKs from registerd", register?.line.receivedNaks ?? 0)
        if let line = register?.line {
            count("frames registerd sent again", line.receivedFrames.count - line.receivedMessages.count)
        }
    }

    /// What is still moving: orders being authorized, reversals not acknowledged, open sales.
    func pendingWork() async throws -> String {
        let authorizing: Int
        let reversals: Int
        if SoakLedgers.isPostgres(cluster.settlementDatabase) {
            (authorizing, reversals) = try await SoakLedgers.postgresPending(cluster.settlementDatabase)
        } else {
            authorizing = try SoakLedgers.query(cluster.settlementDatabase) { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM settlement_order WHERE state = 'authorizing'")
                    ?? 0
            }
            reversals = try SoakLedgers.query(directory + "/acquirer.sqlite") { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pending_reversal WHERE acknowledged = 0") ?? 0
            }
        }
        let open = try SoakLedgers.query(cluster.journalPath) { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM register_transaction WHERE kind = 'sale' AND result IS NULL")
                ?? 0
        }
        var parts: [String] = []
        if authorizing > 0 { parts.append("\(authorizing) orders authorizing") }
        if reversals > 0 { parts.append("\(reversals) reversals not acknowledged") }
        if open > 0 { parts.append("\(open) journal sales open") }
        return parts.joined(separator: ", ")
    }

    /// Everything the register learnt per receipt: every RESULT frame (retransmissions not
    /// counted) and every STATUS reply that named a completed sale.
    func registerView() -> [String: [SoakRegisterOutcome]] {
        var view = statusOutcomes
        for message in register?.line.receivedMessages ?? [] {
            guard case .result(let result) = message else { continue }
            view[result.receipt, default: []].append(
                SoakRegisterOutcome(
                    status: result.status.name, orderID: result.orderID, approvalCode: result.approvalCode,
                    via: "RESULT"))
        }
        return view
    }
}
