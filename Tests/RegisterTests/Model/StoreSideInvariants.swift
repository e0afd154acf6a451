import Register
import RegisterProtocol

/// The rules of registerd's store side (`hw/PROTOCOL.md` §7), checked over what a ``ModelWorld``
/// run sent to the register, against the model server's money.
enum StoreSideInvariants {
    static func violations(in world: ModelWorld, settled: Bool) -> [String] {
        var found: [String] = []
        if !settled { found.append("the world settled down but a transaction stayed open") }
        for sale in world.sales { found += check(sale: sale.receipt, in: world) }
        for void in world.voids { found += check(void: void, in: world) }
        found += checkOrder(world)
        return found
    }

    /// The RESULTs of a receipt that end it: an `internal-error` RESULT refuses the request (the
    /// journal could not take it) and the register may send it again.
    static func results(of receipt: String, in world: ModelWorld) -> [TransactionResult] {
        world.sent.compactMap { sent in
            guard case .result(let result) = sent.message, result.receipt == receipt,
                result.reason != ResultReason.internalError.rawValue
            else { return nil }
            return result
        }
    }

    static func check(sale receipt: String, in world: ModelWorld) -> [String] {
        var found: [String] = []
        let results = results(of: receipt, in: world)
        let shown = Set(world.shownOrders(of: receipt))
        // Never two different outcomes for one receipt, across restarts too.
        let outcomes = Set(results.map { "\($0.status.name)/\($0.reason)" })
        if outcomes.count > 1 { found.append("\(receipt) ended two ways: \(outcomes.sorted())") }
        guard let final = results.last else {
            let started = world.sent.contains {
                if case .progress(let p) = $0.message { p.receipt == receipt } else { false }
            }
            let refused = world.sent.contains { sent in
                if case .result(let result) = sent.message { result.receipt == receipt } else { false }
            }
            if started && !refused { found.append("\(receipt) was started but never got a RESULT") }
            return found
        }
        // The RESULT agrees with the money at the settlement server.
        if final.status == .approved {
            guard let orderID = final.orderID else {
                return found + ["\(receipt) approved without an order id"]
            }
            let state = world.server.state(of: orderID)
            let voided = isVoided(orderID, in: world)
            if state != .approved && !(state == .reversed && voided) {
                found.append(
                    "\(receipt) RESULT approved, but the server's order \(orderID) is \(state.map { "\($0)" } ?? "unknown")"
                )
            }
        } else {
            for orderID in shown.union(final.orderID.map { [$0] } ?? [])
            where world.server.holdsMoney(orderID) {
                found.append(
                    "\(receipt) RESULT \(final.status.name), but the server holds the money of order \(orderID)"
                )
            }
        }
        // abort-too-late only for a sale that ended approved; already-ended only for an unpaid one.
        for error in errors(of: receipt, in: world) {
            if error.code == .abortTooLate, final.status != .approved {
                found.append("\(receipt): ERROR abort-too-late but the sale ended \(final.status.name)")
            }
            if error.code == .alreadyEnded, final.status == .approved,
                !isVoided(final.orderID ?? "", in: world)
            {
                found.append(
                    "\(receipt): ERROR already-ended but the sale ended approved (and was not voided)")
            }
        }
        return found
    }

    static func check(void: VoidRequest, in world: ModelWorld) -> [String] {
        guard let final = results(of: void.receipt, in: world).last else {
            let answered = world.sent.contains { sent in
                switch sent.message {
                case .error(let error): error.receipt == void.receipt
                case .result(let result): result.receipt == void.receipt
                case .busy: true
                default: false
                }
            }
            return answered ? [] : ["\(void.receipt) got no answer"]
        }
        let state = world.server.state(of: void.orderID)
        if final.reason == ResultReason.voided.rawValue, state != .reversed {
            return [
                "\(void.receipt) RESULT voided, but the server's order \(void.orderID) is \(String(describing: state))"
            ]
        }
        if final.reason != ResultReason.voided.rawValue, state == .reversed,
            !isVoided(void.orderID, in: world)
        {
            return [
                "\(void.receipt) RESULT \(final.status.name) (\(final.reason)): the register keeps the sale paid, but the server gave the money back"
            ]
        }
        return []
    }

    /// Within one run of the machine: nothing about a receipt after its RESULT; the first
    /// PROGRESS of a sale is `registering`; `waiting-for-phone` only once its payment request was
    /// out; `cancelling` of a sale only after the cashier aborted it.
    static func checkOrder(_ world: ModelWorld) -> [String] {
        var found: [String] = []
        var ended: Set<String> = []
        var started: Set<String> = []
        var paymentRequested: Set<String> = []
        var aborted: Set<String> = []
        var lifetime = 0
        var abortsSent = world.abortsSentBefore
        for (index, sent) in world.sent.enumerated() {
            if sent.lifetime != lifetime {
                lifetime = sent.lifetime
                ended = []
                started = []
            }
            aborted.formUnion(abortsSent.prefix { $0.index <= index }.map(\.receipt))
            abortsSent.removeAll { $0.index <= index }
            switch sent.message {
            case .progress(let progress):
                let receipt = progress.receipt
                guard receipt.hasPrefix("R-") else { continue }
                if ended.contains(receipt) {
                    found.append("PROGRESS \(progress.stage) of \(receipt) after its RESULT")
                }
                if !started.contains(receipt), progress.stage != .registering {
                    found.append("the first PROGRESS of \(receipt) is \(progress.stage), not registering")
                }
                started.insert(receipt)
                if progress.stage == .waitingForPhone, !paymentRequested.contains(receipt) {
                    found.append("\(receipt) waiting for the phone before its PAYMENT REQUEST")
                }
                if progress.stage == .cancelling, !aborted.contains(receipt) {
                    found.append("\(receipt) cancelling but the cashier did not abort it")
                }
            case .paymentRequest(let request):
                if ended.contains(request.receipt) {
                    found.append("PAYMENT REQUEST of \(request.receipt) after its RESULT")
                }
                paymentRequested.insert(request.receipt)
            case .result(let result) where result.reason != ResultReason.internalError.rawValue:
                ended.insert(result.receipt)
                started.remove(result.receipt)
            default:
                break
            }
        }
        return found
    }

    /// After the last restart settled: the journal keeps no transaction open, and what it kept of
    /// each sale is the RESULT the register got last.
    static func journalViolations(in world: ModelWorld) throws -> [String] {
        let (log, _) = try world.journal.machineState()
        var found: [String] = []
        if let open = log.open { found.append("the journal keeps \(open.receipt) open after settling") }
        for record in log.records {
            guard let journaled = record.result, let sent = results(of: record.receipt, in: world).last else {
                continue
            }
            if journaled.status != sent.status || journaled.reason != sent.reason {
                found.append(
                    "\(record.receipt): journaled \(journaled.status.name)/\(journaled.reason), the register got \(sent.status.name)/\(sent.reason)"
                )
            }
        }
        return found
    }

    /// Whether a VOID of the register's gave the order's money back.
    static func isVoided(_ orderID: String, in world: ModelWorld) -> Bool {
        world.voids.contains { void in
            void.orderID == orderID
                && results(of: void.receipt, in: world).last?.reason == ResultReason.voided.rawValue
        }
    }

    static func errors(of receipt: String, in world: ModelWorld) -> [ErrorReply] {
        world.sent.compactMap { sent in
            if case .error(let error) = sent.message, error.receipt == receipt { return error }
            return nil
        }
    }
}
