import Logging
import PairPayCore
import Register

/// Where results arrive, whichever path brings them: the orders registerd waits for, the first
/// valid result of each (which wins), and the comparison of every later one with it.
///
/// Every result is checked (``ResultCheck``) against the order it claims to be for before it
/// counts; a later result that disagrees with the first is logged at `critical` (the first one
/// stands: the register was already told).
public actor ResultMailbox {
    /// A result that was believed, and the path that brought it.
    public struct Delivery: Equatable, Sendable {
        public let result: SettlementResult
        public let source: ResultSource
    }

    /// What became of a result handed in.
    public enum Verdict: Equatable, Sendable {
        /// It is the order's first valid result.
        case accepted(Delivery)
        /// The order already had its result (returned); this one was compared with it.
        case alreadyKnown(Delivery)
    }

    struct Entry {
        let order: StoreOrder
        var first: Delivery?
        var waiters: [AsyncStream<Delivery>.Continuation] = []
    }

    let check: ResultCheck
    let logger: Logger
    let capacity: Int
    var entries: [String: Entry] = [:]
    /// Order ids, oldest first, for forgetting the oldest decided orders.
    var arrival: [String] = []

    public init(check: ResultCheck, logger: Logger, capacity: Int = 256) {
        self.check = check
        self.logger = logger
        self.capacity = capacity
    }

    /// Starts waiting for `order`'s result (again, after a restart: harmless if already waiting).
    public func expect(_ order: StoreOrder) {
        guard entries[order.orderID] == nil else { return }
        entries[order.orderID] = Entry(order: order)
        arrival.append(order.orderID)
        forgetOldDecided()
    }

    /// The order registerd waits for (or waited for) under this id.
    public func order(_ orderID: String) -> StoreOrder? { entries[orderID]?.order }

    /// The first valid result of the order, if it has one.
    public func first(of orderID: String) -> Delivery? { entries[orderID]?.first }

    /// Checks a signed result that claims to be for one of the orders known here, and files it.
    /// - Throws: ``ResultRejection`` (forged, altered, other merchant, unknown or other order).
    public func receive(
        _ signed: SignedSettlementResult, via source: ResultSource
    ) throws(ResultRejection) -> Verdict {
        let result = try check.verify(signed)
        guard let order = entries[result.orderID]?.order else { throw .unknownOrder(result.orderID) }
        try check.match(result, to: order)
        return file(result, via: source)
    }

    /// Checks a signed result for `order` (which is expected from now on), and files it.
    /// - Throws: ``ResultRejection``.
    public func receive(
        _ signed: SignedSettlementResult, for order: StoreOrder, via source: ResultSource
    ) throws(ResultRejection) -> Verdict {
        let result = try check.check(signed, for: order)
        expect(order)
        return file(result, via: source)
    }

    /// Waits for the order's first valid result; `nil` when the waiting task is cancelled.
    public func firstResult(of orderID: String) async -> Delivery? {
        let stream = subscribe(orderID)
        for await delivery in stream { return delivery }
        return nil
    }

    func subscribe(_ orderID: String) -> AsyncStream<Delivery> {
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self)
        if let first = entries[orderID]?.first {
            continuation.yield(first)
            continuation.finish()
        } else if entries[orderID] != nil {
            entries[orderID]?.waiters.append(continuation)
        } else {
            continuation.finish()
        }
        return stream
    }

    func file(_ result: SettlementResult, via source: ResultSource) -> Verdict {
        let delivery = Delivery(result: result, source: source)
        guard var entry = entries[result.orderID] else { return .accepted(delivery) }
        if let first = entry.first {
            compare(delivery, with: first)
            return .alreadyKnown(first)
        }
        entry.first = delivery
        for waiter in entry.waiters {
            waiter.yield(delivery)
            waiter.finish()
        }
        entry.waiters = []
        entries[result.orderID] = entry
        logger.info(
            "order \(result.orderID): result \(result.status.rawValue) (\(result.reason.rawValue)) via \(source.rawValue)"
        )
        return .accepted(delivery)
    }

    func compare(_ later: Delivery, with first: Delivery) {
        let (a, b) = (first.result, later.result)
        if a == b {
            logger.debug("order \(a.orderID): same result again via \(later.source.rawValue)")
        } else if a.status == .approved, b.status == .cancelled, b.reason == .reversed {
            logger.info(
                "order \(a.orderID): approved, then given back (reversed) via \(later.source.rawValue)")
        } else if a.status == b.status, a.reason == b.reason, a.total == b.total,
            a.approvalCode == b.approvalCode
        {
            logger.debug("order \(a.orderID): an equivalent result again via \(later.source.rawValue)")
        } else {
            logger.critical(
                "order \(a.orderID): results disagree: \(a.status.rawValue)/\(a.reason.rawValue) via \(first.source.rawValue) first, now \(b.status.rawValue)/\(b.reason.rawValue) via \(later.source.rawValue); the first stands, check the order at the settlement server"
            )
        }
    }

    func forgetOldDecided() {
        guard arrival.count > capacity else { return }
        var kept: [String] = []
        var excess = arrival.count - capacity
        for id in arrival {
            if excess > 0, entries[id]?.first != nil {
                entries[id] = nil
                excess -= 1
            } else {
                kept.append(id)
            }
        }
        arrival = kept
    }
}
